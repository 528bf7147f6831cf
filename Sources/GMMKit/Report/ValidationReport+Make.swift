#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

extension ValidationReport {
    /// Computes the report of `model` against `events` (observables in config order, θ per event,
    /// optional weights) on `device`.
    ///
    /// Data beyond `options.maxEvents` are subsampled; model events are drawn at each data θ
    /// point in proportion to its (weighted) events. `progress` receives one line per step.
    ///
    /// - Throws: ``ValidationReportError`` for no events or bad options, ``ModelError`` for events
    ///   that do not fit the model (shapes, intervals) or an unfitted model.
    public static func make(model: DensityModel, events: Events, options: ValidationReportOptions = ValidationReportOptions(),
                            device: Device, progress: ((String) -> Void)? = nil) throws -> ValidationReport {
        guard events.count > 0 else { throw ValidationReportError.noEvents }
        try check(options)
        guard model.isPrepared else { throw ModelError.notFitted }
        try model.validate(events, field: "data")
        let config = model.config
        let d = model.observableCount, p = model.parameterCount
        var notes = [String]()
        var generator = SeededGenerator(seed: options.seed, stream: 11)

        // Data used for the figures: all events, or a seeded subsample.
        var data = events
        if events.count > options.maxEvents {
            var indices = Array(0..<events.count)
            for k in 0..<options.maxEvents { indices.swapAt(k, Int.random(in: k..<events.count, using: &generator)) }
            data = events.subset(Array(indices[0..<options.maxEvents]).sorted())
            notes.append("The figures use a random subsample of \(options.maxEvents) of the \(events.count) events.")
        }
        let groups = ThetaGroup.grouping(data)
        if config.parameters.count > 0, groups.reduce(0, { $0 + $1.indices.count }) > 0,
           groups.count < Set((0..<data.count).map { Array(data.parameters(of: $0)) }).count {
            notes.append("θ is drawn per event: the events are grouped into \(groups.count) bins of θ, and the model is sampled and compared at each bin's mean θ.")
        }

        progress?("log-densities of \(data.count) events")
        let logProb = try model.logProb(data.x, theta: data.theta, device: device)
        var nllSum = 0.0, weightSum = 0.0, outside = 0
        for (i, l) in logProb.enumerated() {
            guard l.isFinite else { outside += 1; continue }
            nllSum -= data.weight(i) * l
            weightSum += data.weight(i)
        }
        if outside > 0 { notes.append("\(outside) events lie where the model has no density (beyond the projections' range); the NLL leaves them out.") }

        let edges = (0..<d).map { i in
            ReportBinning.edges((0..<data.count).map { data.x[$0 * d + i] }, observable: config.observables[i], bins: options.bins)
        }

        // Model samples at the data's θ points, in proportion to their weight.
        var used = groups
        if used.count > options.maxSampledThetaPoints {
            // The most populated points; ties keep the θ order, so the choice is reproducible.
            let order = used.indices.sorted { abs(used[$0].weight) != abs(used[$1].weight) ? abs(used[$0].weight) > abs(used[$1].weight) : $0 < $1 }
            used = order.prefix(options.maxSampledThetaPoints).sorted().map { used[$0] }
            notes.append("The marginals use the \(options.maxSampledThetaPoints) most populated of \(groups.count) θ points.")
        }
        let usedCount = used.reduce(0) { $0 + $1.indices.count }
        let target = min(options.maxModelSamples, max(options.minModelSamples, Int(options.samplesPerEvent * Double(usedCount))))
        let usedWeight = used.reduce(0) { $0 + abs($1.weight) }
        var samples = [Double]()
        for (k, group) in used.enumerated() {
            let count = max(1, Int((Double(target) * abs(group.weight) / max(usedWeight, .leastNonzeroMagnitude)).rounded()))
            progress?("sampling \(count) model events at θ point \(k + 1)/\(used.count)")
            samples += try model.sample(count: count, theta: group.theta, seed: options.seed &+ UInt64(k), device: device)
        }
        let sampleCount = samples.count / d
        let usedRows = used.flatMap(\.indices).sorted()

        progress?("marginals")
        let marginals = (0..<d).map { i in
            MarginalComparison.make(observable: config.observables[i], edges: edges[i],
                                    data: usedRows.map { (data.x[$0 * d + i], data.weight($0)) },
                                    model: (0..<sampleCount).map { samples[$0 * d + i] })
        }
        var pairs = [PairComparison]()
        for i in 0..<d { for j in (i + 1)..<max(i + 1, d) {
            let pairEdges = (ReportBinning.coarsened(edges[i], to: options.pairBins), ReportBinning.coarsened(edges[j], to: options.pairBins))
            pairs.append(PairComparison.make(xIndex: i, yIndex: j, edges: pairEdges,
                                             data: usedRows.map { (data.x[$0 * d + i], data.x[$0 * d + j], data.weight($0)) },
                                             model: (0..<sampleCount).map { (samples[$0 * d + i], samples[$0 * d + j]) }))
        } }

        var latent: LatentComponentsView?
        if config.observables[0].kind == .continuous {
            progress?("latent view")
            let theta = options.componentTheta ?? (p > 0 ? config.parameters.reference : [])
            latent = try LatentComponentsView.make(model: model, theta: theta, data: data, groups: groups, bins: options.bins, device: device)
        }

        var scan: ThetaScan?
        if p > 0 && groups.count >= 2 {
            scan = try ThetaScan.make(model: model, data: data, groups: groups, edges: edges, options: options, device: device, progress: progress)
        }

        let loss = LossCurves(epochs: model.history.epochs.map { Double($0.epoch) }, training: model.history.epochs.map(\.trainingLoss),
                              validation: model.history.epochs.map(\.validationLoss), bestEpoch: model.history.bestEpoch)
        var report = ValidationReport(observables: config.observables.map(\.name), units: config.observables.map(\.unit),
                                      parameters: config.parameters.names, loss: loss, marginals: marginals, pairs: pairs,
                                      latent: latent, thetaScan: scan, summary: [], notes: notes)
        report.summary = summaryRows(report, model: model, events: events, data: data, groups: groups,
                                     nll: weightSum > 0 ? nllSum / weightSum : .nan, outside: outside, samples: sampleCount)
        return report
    }

    /// Checks `options` (bins, sample counts), as `make` does first: call it before creating
    /// any output.
    ///
    /// - Throws: ``ValidationReportError/invalidOption(name:expected:got:)`` naming the option's property.
    public static func check(_ options: ValidationReportOptions) throws {
        func require(_ ok: Bool, _ name: String, _ expected: String, _ got: Any) throws {
            guard ok else { throw ValidationReportError.invalidOption(name: name, expected: expected, got: "\(got)") }
        }
        try require(options.bins >= 2 && options.bins <= 10_000, "bins", "2...10000", options.bins)
        try require(options.pairBins >= 2 && options.pairBins <= 1_000, "pairBins", "2...1000", options.pairBins)
        try require(options.maxEvents >= 1, "maxEvents", "at least 1", options.maxEvents)
        try require(options.samplesPerEvent > 0 && options.samplesPerEvent.isFinite, "samplesPerEvent", "a positive number", options.samplesPerEvent)
        try require(options.minModelSamples >= 1 && options.maxModelSamples >= options.minModelSamples, "minModelSamples/maxModelSamples",
                    "1 ≤ min ≤ max", "\(options.minModelSamples)/\(options.maxModelSamples)")
        try require(options.maxThetaPoints >= 1, "maxThetaPoints", "at least 1", options.maxThetaPoints)
        try require(options.maxSampledThetaPoints >= 1, "maxSampledThetaPoints", "at least 1", options.maxSampledThetaPoints)
    }

    /// The table of summary figures.
    static func summaryRows(_ report: ValidationReport, model: DensityModel, events: Events, data: Events, groups: [ThetaGroup],
                            nll: Double, outside: Int, samples: Int) -> [SummaryRow] {
        var rows = [SummaryRow]()
        func add(_ name: String, _ value: String) { rows.append(SummaryRow(name: name, value: value)) }
        let config = model.config
        add("Observables", config.observables.map(\.name).joined(separator: ", "))
        add("Parameters θ", config.parameters.count == 0 ? "none (unconditional model)" : config.parameters.names.joined(separator: ", "))
        if let weights = events.weights {
            add("Events", "\(events.count) (sum of weights \(ReportFormat.number(weights.reduce(0, +))))")
        } else {
            add("Events", "\(events.count)")
        }
        if data.count != events.count { add("Events in the figures", "\(data.count) (random subsample)") }
        if config.parameters.count > 0 {
            add("θ points", "\(groups.count)")
            add("Reference θ", ReportFormat.theta(config.parameters.reference))
        }
        add("NLL per event, data space", ReportFormat.number(nll) + " nats" + (outside > 0 ? " (\(outside) events without model density left out)" : ""))
        add("Model events drawn for the marginals", "\(samples)")
        for m in report.marginals {
            add("χ²/ndf of the \(m.observable) marginal", "\(ReportFormat.number(m.chiSquare)) / \(m.degreesOfFreedom) = \(ReportFormat.number(m.chiSquare / Double(max(1, m.degreesOfFreedom))))")
        }
        let pulls = report.pairs.flatMap(\.pulls).filter(\.isFinite)
        if !pulls.isEmpty {
            let within = Double(pulls.filter { abs($0) < 2 }.count) / Double(pulls.count)
            add("2-D bins with |pull| < 2", "\(ReportFormat.number(100 * within))% of \(pulls.count)")
        }
        let history = model.history
        if let best = history.epochs.first(where: { $0.epoch == history.bestEpoch }) {
            add("Training", "\(history.epochs.count) epochs, stopped by \(history.stopReason.isEmpty ? "?" : history.stopReason)")
            add("Best epoch (validation loss, latent space)", "\(history.bestEpoch) (\(ReportFormat.number(best.validationLoss)) nats/event)")
        } else {
            add("Training", "no training record")
        }
        add("Trainable parameters", "\(model.trainableParameterCount)")
        add("Gaussians per mixture", "\(config.network.nGaussians)")
        return rows
    }
}

/// The events at one θ point.
struct ThetaGroup {
    var theta: [Double]
    var indices: [Int]
    var weight: Double

    /// The events grouped by their θ row, sorted by θ (lexicographically). Where θ is drawn
    /// per event (more distinct θ than a tenth of the events), by θ bins instead
    /// (``binnedGrouping(_:perAxis:)``).
    static func grouping(_ events: Events) -> [ThetaGroup] {
        let exact = exactGrouping(events)
        guard events.parameterCount > 0, exact.count * 10 > events.count else { return exact }
        let p = events.parameterCount
        return binnedGrouping(events, perAxis: p == 1 ? 9 : max(2, Int(pow(25, 1 / Double(p)))))
    }

    /// The events grouped by `perAxis` quantile bins of each parameter (bins^p groups, empty
    /// ones left out), each group's θ the weighted mean θ of its events: the model is compared
    /// at that θ with data that mix the θ values of the bin.
    static func binnedGrouping(_ events: Events, perAxis: Int) -> [ThetaGroup] {
        let p = events.parameterCount, n = events.count
        let edges = (0..<p).map { j -> [Double] in
            let sorted = (0..<n).map { events.theta[$0 * p + j] }.sorted()
            return (1..<perAxis).map { sorted[min(n - 1, $0 * n / perAxis)] }
        }
        var position = [[Int]: Int]()
        var groups = [ThetaGroup]()
        var sums = [[Double]]()
        for i in 0..<n {
            let cell = (0..<p).map { j in edges[j].filter { events.theta[i * p + j] >= $0 }.count }
            let w = events.weight(i)
            let k: Int
            if let found = position[cell] {
                k = found
            } else {
                k = groups.count
                position[cell] = k
                groups.append(ThetaGroup(theta: [], indices: [], weight: 0))
                sums.append([Double](repeating: 0, count: p))
            }
            groups[k].indices.append(i)
            groups[k].weight += w
            for j in 0..<p { sums[k][j] += w * events.theta[i * p + j] }
        }
        for k in groups.indices { groups[k].theta = sums[k].map { $0 / groups[k].weight } }
        return groups.filter { $0.weight > 0 }.sorted { $0.theta.lexicographicallyPrecedes($1.theta) }
    }

    /// The events grouped by their exact θ row, sorted by θ (lexicographically).
    static func exactGrouping(_ events: Events) -> [ThetaGroup] {
        var position = [[Double]: Int]()
        var groups = [ThetaGroup]()
        for i in 0..<events.count {
            let theta = Array(events.parameters(of: i))
            if let k = position[theta] {
                groups[k].indices.append(i)
                groups[k].weight += events.weight(i)
            } else {
                position[theta] = groups.count
                groups.append(ThetaGroup(theta: theta, indices: [i], weight: events.weight(i)))
            }
        }
        return groups.sorted { $0.theta.lexicographicallyPrecedes($1.theta) }
    }

    /// The index of the group whose θ is nearest `theta` (Euclidean).
    static func nearest(_ groups: [ThetaGroup], to theta: [Double]) -> Int? {
        groups.indices.min { a, b in
            distance(groups[a].theta, theta) < distance(groups[b].theta, theta)
        }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
}
