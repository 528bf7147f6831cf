/// Where a command's events come from and how their columns map onto a model description:
/// the one entry point through which `train`, `logprob` and the inference commands read events.
///
/// Columns are found by name (CSV header, `.npz` member, HDF5 dataset or compound field):
/// observable `i` is the column named like it, else `x[i]` (a 2-D member or dataset `x`
/// [N, d]); parameter `j` is fixed for the file (``EventSource/fixedTheta``), else the column
/// named like it, else `theta[j]`, else from ``thetaFile``; the weight is ``weightsFile`` or the
/// column ``weightColumn`` when present (else 1). A positional [N, D] array (`.npy`, one 2-D
/// dataset) holds the observables in config order, then the θ columns not fixed, then
/// optionally the weight: D = d, d + p or d + p + 1.
public struct EventInput: Sendable {
    /// The files, read in order and concatenated.
    public var sources: [EventSource]
    /// θ per event, [N, p], for a single source (the older `--theta FILE` form).
    public var thetaFile: String?
    /// Weights, [N], for a single source.
    public var weightsFile: String?
    /// The name of the weight column.
    public var weightColumn: String
    /// Whether to apply the selection: reject events outside an observable's interval (training
    /// data). Without it every event is kept (evaluation).
    public var applySelection: Bool

    /// Whether only the observables and weights are read (``readObserved(for:)``): θ is what
    /// the events are fitted for, so θ columns are ignored and a positional array is [N, d].
    private var observablesOnly = false

    /// An input; see the type's documentation.
    public init(sources: [EventSource], thetaFile: String? = nil, weightsFile: String? = nil,
                weightColumn: String = "weight", applySelection: Bool = true) {
        self.sources = sources
        self.thetaFile = thetaFile
        self.weightsFile = weightsFile
        self.weightColumn = weightColumn
        self.applySelection = applySelection
    }

    /// Reads the observables and weights of events whose θ is unknown (the data of a fit, a
    /// likelihood ratio or a reweighting): columns as ``read(for:)`` finds them, θ columns
    /// ignored, a positional array exactly [N, d], every event kept (the model's evaluation
    /// refuses one outside an interval). The returned events have θ = 0, one column per
    /// parameter, which means nothing: use ``Events/x`` and ``Events/weights``.
    ///
    /// A θ given for a file (`FILE@NAME=VALUE,…`) is the θ the events were simulated at, not an
    /// input of the evaluation: ``simulatedTheta(for:)`` returns it.
    ///
    /// - Throws: as ``read(for:)``, and ``DataTableError/invalidSource(text:reason:)`` for a θ
    ///   file (θ is what is unknown).
    public func readObserved(for config: ModelConfig) throws -> Events {
        if let thetaFile {
            throw DataTableError.invalidSource(text: thetaFile, reason: "these events are evaluated at the θ the command fits or is given; a θ file does not apply")
        }
        var input = self
        input.observablesOnly = true
        input.applySelection = false
        return try input.read(for: config).events
    }

    /// The θ the events were simulated at, as the sources declare it with `FILE@NAME=VALUE,…`:
    /// [p] in the model's parameter order, or nil when no source declares one. For simulated
    /// events read as data (held-out simulation fitted by `infer`, the samples of `roc`, the
    /// proposal events of `reweight`), where it is the truth a result is compared with.
    ///
    /// - Throws: ``DataTableError/invalidSource(text:reason:)`` for a declaration that misses a
    ///   parameter, names an unknown one or is not finite, or sources that declare different θ
    ///   (or one declares and another does not).
    public func simulatedTheta(for config: ModelConfig) throws -> [Double]? {
        let names = config.parameters.names
        var found: [Double]?
        for (k, source) in sources.enumerated() {
            if source.fixedTheta.isEmpty {
                if found != nil { throw DataTableError.invalidSource(text: source.description, reason: "the other files declare the θ they were simulated at; declare it for this one too (\(source.path)@NAME=VALUE,…)") }
                continue
            }
            try Self.checkThetaGiven(in: source, parameters: names, as: "declared")
            let missing = names.filter { source.fixedTheta[$0] == nil }
            guard missing.isEmpty else {
                throw DataTableError.invalidSource(text: source.description, reason: "@ declares the θ the events were simulated at: give every parameter (missing \(missing.joined(separator: ", ")))")
            }
            let theta = names.map { source.fixedTheta[$0] ?? .nan }
            if let found, found != theta {
                throw DataTableError.invalidSource(text: source.description, reason: "the files declare different θ; these events are one sample at one θ")
            }
            if k > 0, found == nil { throw DataTableError.invalidSource(text: source.description, reason: "the other files do not declare the θ they were simulated at; declare it for every file or none") }
            found = theta
        }
        return found
    }

    /// Reads every source and returns the selected events with the selection report.
    ///
    /// - Throws: ``DataTableError`` naming the file, column and row for: no sources, a missing
    ///   column or dataset, a shape that does not fit `config`, a NaN or infinite value, a
    ///   non-integer value of an integer observable, a fixed θ for an unknown parameter or one
    ///   that is also a column, a file none of whose events passes the selection; file-format
    ///   errors (`NpyError`, `FileIOError`) for truncated or damaged files.
    public func read(for config: ModelConfig) throws -> LoadedEvents {
        guard !sources.isEmpty else {
            throw DataTableError.invalidSource(text: "", reason: "no data files given")
        }
        if sources.count > 1, let extra = thetaFile ?? weightsFile {
            throw DataTableError.invalidSource(text: extra, reason: "a separate θ or weights file goes with a single data file; with several files put θ and weights in the files or fix θ per file (FILE@name=value)")
        }
        let d = config.observables.count, p = config.parameters.count
        var x: [Double] = [], theta: [Double] = [], weights: [Double] = []
        var anyWeights = false
        var fileGroups: [SelectionReport.Group] = []
        var rejectedBy = [Int](repeating: 0, count: d)
        let lowers = config.observables.map(\.interval.lower), uppers = config.observables.map(\.interval.upper)
        var points: [SelectionReport.Group] = [], pointIndex: [[Double]: Int] = [:], truncated = false
        for source in sources {
            let part = try readSource(source, config: config)
            let n = part.rows
            var keep = [Bool](repeating: true, count: n)
            var accepted = n
            if applySelection {
                accepted = 0
                part.x.withUnsafeBufferPointer { values in
                    for r in 0..<n {
                        for i in 0..<d where !(values[r * d + i] >= lowers[i] && values[r * d + i] <= uppers[i]) {
                            keep[r] = false
                            rejectedBy[i] += 1
                            break
                        }
                        if keep[r] { accepted += 1 }
                    }
                }
            }
            var group = SelectionReport.Group(label: source.label, theta: nil, read: n, accepted: accepted, weightRead: 0, weightAccepted: 0)
            for r in 0..<n {
                let w = part.weights?[r] ?? 1
                group.weightRead += w
                if keep[r] { group.weightAccepted += w }
            }
            if accepted == 0 {
                let detail = n == 0 ? "the file is empty"
                    : "first event: " + config.observables.enumerated().map { i, o in "\(o.name) = \(part.x[i]) (interval [\(o.interval.lower), \(o.interval.upper)])" }.joined(separator: ", ")
                throw DataTableError.emptySelection(path: source.label, rows: n, detail: detail)
            }
            fileGroups.append(group)
            if !truncated {
                truncated = !Self.countPoints(part.theta, p: p, keep: keep, weights: part.weights, names: config.parameters.names,
                                              into: &points, index: &pointIndex)
            }
            if part.weights != nil { anyWeights = true }
            if accepted == n, x.isEmpty {
                x = part.x
                theta = part.theta
                weights = part.weights ?? [Double](repeating: 1, count: n)
            } else if accepted == n {
                x += part.x
                theta += part.theta
                if let w = part.weights { weights += w } else { weights += repeatElement(1, count: n) }
            } else {
                x.reserveCapacity(x.count + accepted * d)
                theta.reserveCapacity(theta.count + accepted * p)
                for r in 0..<n where keep[r] {
                    x += part.x[(r * d)..<((r + 1) * d)]
                    theta += part.theta[(r * p)..<((r + 1) * p)]
                    weights.append(part.weights?[r] ?? 1)
                }
            }
        }
        // Every value was checked when its column was taken (finite), and the sizes are n·d, n·p, n.
        let events = Events(checkedX: x, theta: theta, weights: anyWeights ? weights : nil, observables: d, parameters: p)
        let report = SelectionReport(files: fileGroups, points: truncated ? [] : points, pointsTruncated: truncated,
                                     rejectedBy: zip(config.observables.map(\.name), rejectedBy).map { ($0, $1) })
        return LoadedEvents(events: events, selection: report)
    }

    /// Checks the θ a source gives with `FILE@NAME=VALUE,…` (`role`: "fixed" for training
    /// data, "declared" for the simulated θ of data): every name one of `parameters`, every value
    /// finite.
    private static func checkThetaGiven(in source: EventSource, parameters: [String], as role: String) throws {
        for name in source.fixedTheta.keys.sorted() where !parameters.contains(name) {
            throw DataTableError.invalidSource(text: source.description, reason: parameters.isEmpty
                ? "θ \(name) is \(role), but the model has no parameters"
                : "θ \(name) is \(role), but the model's parameters are \(parameters.joined(separator: ", "))")
        }
        for name in source.fixedTheta.keys.sorted() {
            if let value = source.fixedTheta[name], !value.isFinite {
                throw DataTableError.invalidSource(text: source.description, reason: "the \(role) value of \(name), \(value), is not a finite number")
            }
        }
    }

    /// The columns of one source, [n, d], [n, p] and [n] (nil without weights).
    private func readSource(_ source: EventSource, config: ModelConfig) throws
        -> (rows: Int, x: [Double], theta: [Double], weights: [Double]?)
    {
        let table = try DataTable.read(source.path, dataset: source.dataset)
        let path = source.label
        let names = config.observables.map(\.name), parameters = config.parameters.names
        let d = names.count, p = parameters.count, n = table.rows
        try Self.checkThetaGiven(in: source, parameters: parameters, as: "fixed")
        let freeParameters = observablesOnly ? [] : parameters.filter { source.fixedTheta[$0] == nil }
        let thetaTable = try thetaFile.map { try DataTable.read($0) }
        if let thetaTable, thetaTable.rows != n {
            throw DataTableError.shape(path: thetaTable.path, expected: "\(n) rows (one per event of \(path))", got: "\(thetaTable.rows) rows")
        }
        var x: [Double], thetaColumns: [Double] = [], thetaNames: [String] = [], weights: [Double]?
        if table.columnNames == nil {
            // Positional: observables, then the θ not fixed (unless a θ file gives them), then the weight.
            let inFile = thetaTable == nil ? freeParameters : []
            // Observed events: the observables alone (a column more could be θ or a weight).
            let layouts = observablesOnly ? [names] : [names, names + inFile, names + inFile + [weightColumn]]
            guard let layout = layouts.first(where: { $0.count == table.columns }) else {
                if observablesOnly {
                    throw DataTableError.shape(path: path, expected: "[N, \(d)]: the observables \(names.joined(separator: ", ")) (weights from a named column or a weights file)",
                                               got: "[\(n), \(table.columns)]")
                }
                let shown = Set(layouts.map(\.count)).sorted().map(String.init).joined(separator: ", ")
                throw DataTableError.shape(path: path,
                                           expected: "[N, D] with D in {\(shown)}: the observables \(names.joined(separator: ", "))\(inFile.isEmpty ? "" : ", then θ \(inFile.joined(separator: ", "))"), then optionally the weight",
                                           got: "[\(n), \(table.columns)]")
            }
            // A conditional model's θ must come from somewhere: never a silent zero.
            if layout.count == d, !inFile.isEmpty {
                throw DataTableError.invalidSource(
                    text: source.description,
                    reason: "the [\(n), \(d)] array holds the observables only, and θ (\(inFile.joined(separator: ", "))) is given nowhere: "
                        + "add θ as columns after the observables ([N, \(d + inFile.count)]), fix it for the file (\(source.path)@\(inFile[0])=VALUE), "
                        + "or give it per event in a θ file (--theta-file) or for every event (--theta)")
            }
            x = try table.gather(Array(0..<d), names: names)
            if layout.count > d, !inFile.isEmpty {
                thetaColumns = try table.gather(Array(d..<(d + inFile.count)), names: inFile)
                thetaNames = inFile
            }
            if layout.count == d + inFile.count + 1 { weights = try table.gather([d + inFile.count], names: [weightColumn]) }
        } else {
            let available = table.columnNames ?? []
            let xIndices = try names.enumerated().map { i, name in
                guard let index = table.columnIndex(name) ?? table.columnIndex("x[\(i)]") else {
                    throw DataTableError.missingColumn(path: path, column: name, available: available)
                }
                return index
            }
            x = try table.gather(xIndices, names: names)
            for name in source.fixedTheta.keys.sorted() where !observablesOnly && table.columnIndex(name) != nil {
                throw DataTableError.invalidSource(text: source.description, reason: "θ \(name) is fixed for the file and is also a column of it; remove one")
            }
            if thetaTable == nil {
                var indices: [Int] = []
                for name in freeParameters {
                    let j = parameters.firstIndex(of: name)!
                    guard let index = table.columnIndex(name) ?? table.columnIndex("theta[\(j)]") else {
                        throw DataTableError.missingColumn(path: path, column: name, available: available + ["(or fix it for the file: \(source.path)@\(name)=VALUE)"])
                    }
                    indices.append(index)
                }
                thetaColumns = try table.gather(indices, names: freeParameters)
                thetaNames = freeParameters
            }
            if let index = table.columnIndex(weightColumn) { weights = try table.gather([index], names: [weightColumn]) }
        }
        if let thetaTable {
            if !source.fixedTheta.isEmpty {
                throw DataTableError.invalidSource(text: source.description, reason: "give θ either fixed for the file or in a θ file, not both")
            }
            thetaColumns = try thetaTable.selecting(parameters)
            thetaNames = parameters
        }
        if let weightsFile {
            let weightTable = try DataTable.read(weightsFile)
            guard weightTable.rows == n, weightTable.columns == 1 else {
                throw DataTableError.shape(path: weightsFile, expected: "[\(n)] (one weight per event of \(path))", got: "[\(weightTable.rows), \(weightTable.columns)]")
            }
            weights = try weightTable.gather([0], names: [weightColumn])
        }
        // Integer observables must hold whole numbers.
        for (i, observable) in config.observables.enumerated() where observable.kind == .integer {
            for r in 0..<n where x[r * d + i] != x[r * d + i].rounded() {
                throw DataTableError.nonInteger(path: path, row: r, column: observable.name, value: x[r * d + i])
            }
        }
        // θ [n, p] in config order from the fixed values and the columns read.
        var theta = [Double](repeating: 0, count: n * p)
        let k = thetaNames.count
        for (j, name) in parameters.enumerated() {
            if let value = source.fixedTheta[name] {
                for r in 0..<n { theta[r * p + j] = value }
            } else if let c = thetaNames.firstIndex(of: name) {
                for r in 0..<n { theta[r * p + j] = thetaColumns[r * k + c] }
            }
        }
        return (n, x, theta, weights)
    }

    /// Adds the events of one file to the per-θ groups; false when there are more than
    /// ``SelectionReport/maxPoints`` distinct θ.
    private static func countPoints(_ theta: [Double], p: Int, keep: [Bool], weights: [Double]?, names: [String],
                                    into points: inout [SelectionReport.Group], index: inout [[Double]: Int]) -> Bool {
        // One θ for the whole file (θ fixed per file, or no parameters): count it at once.
        let n = keep.count
        if n > 0, (1..<n).allSatisfy({ r in (0..<p).allSatisfy { theta[r * p + $0] == theta[$0] } }) {
            let t = Array(theta[0..<p])
            let current: Int
            if let found = index[t] {
                current = found
            } else {
                guard points.count < SelectionReport.maxPoints else { return false }
                current = points.count
                index[t] = current
                points.append(.init(label: p == 0 ? "(no parameters)" : label(t, names), theta: t, read: 0, accepted: 0, weightRead: 0, weightAccepted: 0))
            }
            var accepted = 0, weightRead = 0.0, weightAccepted = 0.0
            for r in 0..<n {
                let w = weights?[r] ?? 1
                weightRead += w
                if keep[r] { accepted += 1; weightAccepted += w }
            }
            points[current].read += n
            points[current].accepted += accepted
            points[current].weightRead += weightRead
            points[current].weightAccepted += weightAccepted
            return true
        }
        var previous: [Double]? = nil, current = 0
        for r in 0..<keep.count {
            let same = previous.map { prior in (0..<p).allSatisfy { prior[$0] == theta[r * p + $0] } } ?? false
            if !same {
                let t = Array(theta[(r * p)..<((r + 1) * p)])
                if let found = index[t] {
                    current = found
                } else {
                    guard points.count < SelectionReport.maxPoints else { return false }
                    current = points.count
                    index[t] = current
                    points.append(.init(label: p == 0 ? "(no parameters)" : label(t, names), theta: t, read: 0, accepted: 0, weightRead: 0, weightAccepted: 0))
                }
                previous = t
            }
            let w = weights?[r] ?? 1
            points[current].read += 1
            points[current].weightRead += w
            if keep[r] {
                points[current].accepted += 1
                points[current].weightAccepted += w
            }
        }
        return true
    }

    static func label(_ theta: [Double], _ names: [String]) -> String {
        zip(names, theta).map { "\($0)=\($1)" }.joined(separator: ", ")
    }
}

/// Events read through an ``EventInput``, and how many passed the selection.
public struct LoadedEvents: Sendable {
    /// The selected events, files concatenated in order.
    public var events: Events
    /// The selection efficiency per file and per θ point.
    public var selection: SelectionReport
}
