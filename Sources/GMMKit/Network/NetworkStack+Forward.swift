import GMMCompute

extension NetworkStack {
    /// Whether a pass of `rows` rows in `blocks` does its θ-only work once per block: the
    /// blocks cover the rows, some block has more than one row, and the workspace holds them.
    func sharesTheta(_ blocks: ThetaBlocks?, rows: Int, workspace: StackWorkspace) -> Bool {
        guard let blocks else { return false }
        return blocks.rows == rows && blocks.count < rows && blocks.count <= workspace.sharedBlockCapacity
    }

    /// One θ row per block, [blocks, thetaWidth]: a strided view of `theta` when the blocks are
    /// evenly spaced, else a view of the workspace's copy of the blocks' first rows, which the
    /// forward pass makes (``copyBlockTheta(_:_:workspace:device:)``) and its backward pass reads.
    func blockThetaView(_ theta: MatrixView, _ blocks: ThetaBlocks, workspace: StackWorkspace) -> MatrixView {
        if let step = blocks.uniformRows {
            return MatrixView(theta.buffer, offset: theta.offset, rows: blocks.count, cols: theta.cols, rowStride: theta.rowStride * step)
        }
        return MatrixView(workspace.blockTheta, rows: blocks.count, cols: theta.cols)
    }

    /// Copies each block's first θ row into the workspace when the blocks are not evenly
    /// spaced, and returns ``blockThetaView(_:_:workspace:)``.
    private func copyBlockTheta(_ theta: MatrixView, _ blocks: ThetaBlocks, workspace: StackWorkspace, device: Device) throws -> MatrixView {
        let compact = blockThetaView(theta, blocks, workspace: workspace)
        guard blocks.uniformRows == nil else { return compact }
        for k in 0..<blocks.count {
            let first = blocks.bounds[k]
            try device.copy(theta.rows(first..<(first + 1)), into: compact.rows(k..<(k + 1)))
        }
        return compact
    }

    /// The networks `subset` of a view batched over all networks (a batch stride of 0 is shared by all).
    func part(_ view: MatrixView, _ subset: Range<Int>) -> MatrixView {
        if subset == 0..<spec.networkCount { return view }
        return view.batchStride == 0 ? MatrixView(view.buffer, offset: view.offset, rows: view.rows, cols: view.cols, rowStride: view.rowStride,
                                                  batch: subset.count, batchStride: 0) : view.batches(subset)
    }

    /// The sizes of the networks `subset`.
    func part(_ sizes: [GemmSize], _ subset: Range<Int>) -> [GemmSize] { Array(sizes[subset]) }

    /// The networks of `range` that see no observable (θ only; they come first in a stack) and the others.
    func thetaOnlySplit(_ range: Range<Int>) -> (thetaOnly: Range<Int>, withObservables: Range<Int>) {
        let thetaOnly = range.lowerBound..<(range.lowerBound + range.filter { spec.precedingCounts[$0] == 0 }.count)
        return (thetaOnly, thetaOnly.upperBound..<range.upperBound)
    }

    /// The per-block sums of `x`'s rows, [batch, blocks, cols] into `out` (`out` must not overlap `x`).
    func blockSums(_ x: MatrixView, _ blocks: ThetaBlocks, into out: MatrixView, device: Device) throws {
        for k in 0..<blocks.count {
            try device.columnSums(x.rows(blocks.rows(k)), into: out.rows(k..<(k + 1)), beta: 0)
        }
    }

    /// The scratch rows of the workspace as [networks, blocks, width].
    func scratch(_ workspace: StackWorkspace, blocks: Int, width: Int) -> MatrixView {
        MatrixView(workspace.sharedRows, rows: blocks, cols: width, batch: spec.networkCount,
                   batchStride: workspace.sharedBlockCapacity * width)
    }

    /// Runs the networks `networks` (default: all) on `rows` events; other networks' slots
    /// are left as they are.
    ///
    /// With `thetaBlocks` the rows come in consecutive blocks, each with one θ, and the work
    /// that depends on θ alone runs once per block: the θ branch, every layer of a network that
    /// sees no observable (its output row then copied to the block's rows; its other slots hold
    /// one row per block), and the θ half of the other networks' first trunk layer (then added
    /// to each row's u half as a per-block bias). One θ for the whole pass is one block of
    /// `rows`. When every block holds the same events (``ThetaBlocks/repeatedEvents``), the u
    /// branch and the u half of the first trunk layers run on the first block and are copied to
    /// the others. Passes whose blocks ``sharesTheta(_:rows:workspace:)`` refuses do all the
    /// work per row.
    ///
    /// - Parameters:
    ///   - parameters: the flat parameter buffer.
    ///   - theta: scaled θ, [rows, ≥ thetaWidth] (one matrix, shared by the networks).
    ///   - observables: scaled latent observables, [rows, ≥ max preceding count].
    func forward(parameters: DeviceBuffer, theta: MatrixView, observables: MatrixView, rows: Int,
                 workspace: StackWorkspace, device: Device, networks: Range<Int>? = nil, thetaBlocks: ThetaBlocks? = nil) throws {
        precondition(rows <= workspace.capacity, "forward: \(rows) rows exceed the workspace's \(workspace.capacity)")
        let range = networks ?? 0..<spec.networkCount
        let shared = sharesTheta(thetaBlocks, rows: rows, workspace: workspace)
        let blocks = (shared ? thetaBlocks : nil) ?? .single  // read only when shared
        let compactTheta = shared ? try copyBlockTheta(theta, blocks, workspace: workspace, device: device) : theta
        let (thetaOnly, withObservables) = thetaOnlySplit(range)
        let n1 = spec.n1
        // The rows of the first block when every block holds the same events: the work on
        // the events alone runs there and is copied to the other blocks (where the first trunk
        // layers split into θ and u halves, n1 > 0).
        let eventRows = shared && blocks.repeatedEvents && n1 > 0 ? blocks.bounds[1] : rows
        for layer in layers {
            var x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            if shared, layer.input == .parameters {
                x = MatrixView(compactTheta.buffer, offset: compactTheta.offset, rows: blocks.count, cols: layer.inMax,
                               rowStride: compactTheta.rowStride, batch: spec.networkCount, batchStride: 0)
            }
            let y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let (w, b) = (layer.weights(parameters), layer.biases(parameters))
            // Whether network i's part of this layer depends on θ alone (one row per block when shared).
            func thetaOnlyHere(_ i: Int) -> Bool { layer.input == .parameters || spec.precedingCounts[i] == 0 }
            // The u branch reads the events alone: its rows are the first block's when repeated.
            let layerRows = layer.input == .observables ? eventRows : rows
            var sizes = layer.forwardSizes(rows: layerRows)
            if shared {
                for i in sizes.indices where thetaOnlyHere(i) { sizes[i].m = blocks.count }
            }
            // The networks done whole: all of them, or (first trunk layer, shared) the θ-only ones.
            let split = shared && layer.input == .slot(0) && n1 > 0
            let whole = split ? thetaOnly : range
            if !whole.isEmpty {
                // When every network of the call is θ-only here, its views hold one row per block
                // (a device that runs the padded product then does no per-row work).
                let compact = shared && whole.allSatisfy(thetaOnlyHere)
                let (xw, yw) = compact ? (x.rows(0..<blocks.count), y.rows(0..<blocks.count)) : (x.rows(0..<layerRows), y.rows(0..<layerRows))
                try device.dense(part(xw, whole), weights: part(w, whole), bias: part(b, whole), activation: layer.activation, into: part(yw, whole),
                                 sizes: part(sizes, whole), biasRowBounds: nil)
            }
            guard split, !withObservables.isEmpty else { continue }
            // The first trunk layer reads [θ branch | u branch]: its θ half, plus the bias, once per block.
            let inMax = layer.inMax
            let halves = scratch(workspace, blocks: blocks.count, width: layer.outMax)
            try device.dense(part(x.rows(0..<blocks.count).columns(0..<n1), withObservables), weights: part(w.rows(0..<n1), withObservables),
                             bias: part(b, withObservables), activation: .identity, into: part(halves, withObservables),
                             sizes: part(layer.outWidths.map { GemmSize(m: blocks.count, n: $0, k: n1) }, withObservables), biasRowBounds: nil)
            // The u half (some network reads an observable here, so inMax > n1).
            let uSizes = sizes.indices.map { GemmSize(m: eventRows, n: layer.outWidths[$0], k: max(0, layer.inWidths[$0] - n1)) }
            if eventRows == rows {
                // Each block's θ half as its bias, in one pass.
                try device.dense(part(x.columns(n1..<inMax), withObservables), weights: part(w.rows(n1..<inMax), withObservables),
                                 bias: part(halves, withObservables), activation: layer.activation, into: part(y.rows(0..<rows), withObservables),
                                 sizes: part(uSizes, withObservables), biasRowBounds: blocks.bounds)
                continue
            }
            // Repeated events: the first block's u half is every block's, then each block's θ half is added.
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.rows(0..<eventRows).columns(n1..<inMax), withObservables),
                            b: part(w.rows(n1..<inMax), withObservables), beta: 0, c: part(y.rows(0..<eventRows), withObservables),
                            sizes: part(uSizes, withObservables))
            for k in 1..<blocks.count {
                try device.copy(part(y.rows(0..<eventRows), withObservables), into: part(y.rows(blocks.rows(k)), withObservables))
            }
            for k in 0..<blocks.count {
                try device.addBias(part(y.rows(blocks.rows(k)), withObservables),
                                   bias: part(halves.rows(k..<(k + 1)), withObservables), activation: layer.activation)
            }
        }
        if shared, !thetaOnly.isEmpty {
            // Each block's output row of the θ-only networks, copied to the block's rows. Last
            // block first: row k lies in no later-copied block's rows (block j ≤ k starts at or
            // after row j, and block k's own copy reads row k before or as it writes it).
            let out = part(slotView(workspace.activations[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity), thetaOnly)
            for k in (0..<blocks.count).reversed() {
                let range = blocks.rows(k)
                let row = MatrixView(out.buffer, offset: out.offset + k * out.rowStride, rows: range.count, cols: out.cols, rowStride: 0,
                                     batch: out.batch, batchStride: out.batchStride)
                try device.copy(row, into: out.rows(range))
            }
        }
    }
}
