import GMMCompute

/// Closure on held-out simulation: the test an interval must pass before it is published.
///
/// Events simulated at a θ the model did not train on are cut into disjoint subsets of
/// ``Settings/events`` events, each subset is fitted as `gmm-gpu infer` fits (a start grid over
/// the fit range, the minimiser, Hesse errors, MINOS), and the fits are compared with the true
/// θ: the coverage of the profile-likelihood intervals at each level (with binomial errors),
/// the coverage of the joint Wilks region, the MLE's bias and its scatter over the subsets
/// against the errors the fits report.
///
/// Unlike ``CoverageCalibration`` with pseudo-data drawn from the model, the data here come
/// from the simulator: a model that is self-consistent but wrong (one that learned the
/// training sample's noise as θ-dependence) covers in calibration and fails here.
///
/// Several likelihoods (``Method``) fit the same subsets — the model, a binned template fit of
/// one observable (``BinnedTemplates``), a model trained on θ-permuted events (the null test) —
/// so that their figures can be set side by side.
public struct ClosureStudy: Sendable {
    /// How the held-out events are cut and fitted.
    public struct Settings: Codable, Sendable, Equatable {
        /// Events per subset (≥ 1).
        public var events: Int
        /// At most this many subsets per held-out sample (nil: every whole subset).
        public var maxSubsets: Int?
        /// The levels whose coverage is measured, each in (0, 1).
        public var confidenceLevels: [Double]
        /// The seed of the shuffle before the events are cut (the subsets are disjoint).
        public var seed: UInt64
        /// Whether MINOS locates each interval's ends at the first level (their widths); the
        /// coverage comes from the profile test statistic at the true θ either way.
        public var minos: Bool

        /// Settings; see the properties.
        public init(events: Int = 500, maxSubsets: Int? = nil, confidenceLevels: [Double] = [Wilks.oneSigma, 0.95], seed: UInt64 = 1,
                    minos: Bool = true) {
            self.events = events
            self.maxSubsets = maxSubsets
            self.confidenceLevels = confidenceLevels
            self.seed = seed
            self.minos = minos
        }

        /// Checks the values.
        /// - Throws: ``InferenceError`` for events < 1, maxSubsets < 1, no level or a level outside (0, 1).
        public func validate() throws {
            guard events >= 1 else { throw InferenceError.invalidArgument(name: "events", expected: "at least 1 event per subset", got: "\(events)") }
            if let maxSubsets, maxSubsets < 1 {
                throw InferenceError.invalidArgument(name: "maxSubsets", expected: "at least 1", got: "\(maxSubsets)")
            }
            guard !confidenceLevels.isEmpty else { throw InferenceError.empty(field: "confidenceLevels") }
            for level in confidenceLevels { _ = try Wilks.threshold(confidenceLevel: level, degreesOfFreedom: 1) }
        }

        enum CodingKeys: String, CodingKey {
            case events, seed, minos
            case maxSubsets = "max_subsets"
            case confidenceLevels = "confidence_levels"
        }
    }

    /// Held-out events simulated at one true θ.
    public struct Sample: Sendable {
        /// A name for the tables (e.g. the file).
        public var label: String
        /// The θ the events were simulated at, [p] in the fit's parameter order.
        public var trueTheta: [Double]
        /// The events' observables, [N, d] row-major (data space).
        public var x: [Double]
        /// d.
        public var observableCount: Int

        /// A sample; `x` holds N rows of `observableCount` values.
        public init(label: String, trueTheta: [Double], x: [Double], observableCount: Int) {
            self.label = label
            self.trueTheta = trueTheta
            self.x = x
            self.observableCount = observableCount
        }

        /// N.
        public var count: Int { observableCount > 0 ? x.count / observableCount : 0 }

        /// The rows `indices`, [n, d].
        func rows(_ indices: ArraySlice<Int>) -> [Double] {
            var out: [Double] = []
            out.reserveCapacity(indices.count * observableCount)
            for r in indices { out += x[(r * observableCount)..<((r + 1) * observableCount)] }
            return out
        }
    }

    /// A likelihood that fits the subsets: a name and how to build it from a subset's events.
    public struct Method {
        /// The name in the tables and files (e.g. `model`, `binned pt_ll`, `null model`).
        public var name: String
        /// The NLL of a subset, [n, d] in data space.
        public var likelihood: ([Double]) throws -> NegativeLogLikelihood
        /// For an ensemble: its members' likelihoods of the NLL `likelihood` built (nil otherwise):
        /// each subset then also gets the model term (``ModelUncertainty``).
        public var members: ((NegativeLogLikelihood) -> [NegativeLogLikelihood])?

        /// A method; see the properties.
        public init(name: String, likelihood: @escaping ([Double]) throws -> NegativeLogLikelihood,
                    members: ((NegativeLogLikelihood) -> [NegativeLogLikelihood])? = nil) {
            self.name = name
            self.likelihood = likelihood
            self.members = members
        }
    }

    /// The settings.
    public var settings: Settings
    /// The fit applied to every subset: the parameters' bounds (the model's training range),
    /// fixed parameters, constraints.
    public var fit: MaximumLikelihoodFit

    /// A study; see the properties.
    public init(settings: Settings = Settings(), fit: MaximumLikelihoodFit) {
        self.settings = settings
        self.fit = fit
    }

    /// How many subsets a sample of `count` events is cut into: whole blocks of
    /// ``Settings/events``, at most ``Settings/maxSubsets``.
    public func subsetCount(count: Int) -> Int {
        min(count / max(1, settings.events), settings.maxSubsets ?? Int.max)
    }

    /// The disjoint subsets of a sample of `count` events: a seeded shuffle (stream `sample`),
    /// then ``subsetCount(count:)`` consecutive blocks of ``Settings/events``.
    public func subsets(count: Int, sample: Int) -> [ArraySlice<Int>] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: settings.seed, stream: UInt64(sample))
        order.shuffle(using: &rng)
        let n = subsetCount(count: count)
        return (0..<n).map { order[($0 * settings.events)..<(($0 + 1) * settings.events)] }
    }

    /// Checks the settings and that every sample can be fitted: at least one subset of events,
    /// a true θ of the fit's length inside the fit range.
    ///
    /// - Throws: ``InferenceError`` naming the sample and what it lacks.
    public func validate(samples: [Sample]) throws {
        try settings.validate()
        guard !samples.isEmpty else { throw InferenceError.empty(field: "samples") }
        let names = fit.parameters.map(\.name)
        for sample in samples {
            guard sample.count >= settings.events else {
                throw InferenceError.invalidArgument(name: "held-out sample \(sample.label)", expected: "at least one subset of \(settings.events) events (give more events or a smaller --events)",
                                                     got: "\(sample.count) events after the selection, fewer than one subset of --events \(settings.events)")
            }
            guard sample.trueTheta.count == names.count else {
                throw InferenceError.shapeMismatch(field: "true θ of \(sample.label)", expected: "\(names.count) values (\(names.joined(separator: ", ")))",
                                                   got: "\(sample.trueTheta.count)")
            }
            for (parameter, value) in zip(fit.parameters, sample.trueTheta) where parameter.isFree && !(value >= parameter.lower && value <= parameter.upper) {
                throw InferenceError.invalidArgument(name: "true θ of \(sample.label)", expected: "\(parameter.name) inside the fit range [\(parameter.lower), \(parameter.upper)]; closure needs held-out θ where the fits run",
                                                     got: "\(parameter.name) = \(value), outside the model's training range")
            }
        }
    }

    /// Fits every subset of every sample with every method.
    ///
    /// - Parameters:
    ///   - samples: the held-out samples, each with at least ``Settings/events`` events.
    ///   - methods: the likelihoods compared (the first is the study's subject).
    ///   - progress: called after each subset's fits with (subsets done, subsets in all).
    /// - Throws: ``InferenceError`` for bad settings, no method, a sample smaller than one
    ///   subset, or a true θ outside the fit range; a subset whose fit fails is counted, not thrown.
    public func run(samples: [Sample], methods: [Method], progress: ((Int, Int) -> Void)? = nil) throws -> ClosureResult {
        try settings.validate()
        guard !methods.isEmpty else { throw InferenceError.empty(field: "methods") }
        try validate(samples: samples)
        let names = fit.parameters.map(\.name)
        let cuts = samples.enumerated().map { subsets(count: $1.count, sample: $0) }
        let total = cuts.reduce(0) { $0 + $1.count }
        var fits = [[[ClosureFit]]](repeating: [[ClosureFit]](repeating: [], count: samples.count), count: methods.count)
        var failures = [[Int]](repeating: [Int](repeating: 0, count: samples.count), count: methods.count)
        var done = 0
        for (s, sample) in samples.enumerated() {
            for (k, subset) in cuts[s].enumerated() {
                let data = sample.rows(subset)
                for (m, method) in methods.enumerated() {
                    if let result = try? fitOne(data, method: method, truth: sample.trueTheta, subset: k) {
                        fits[m][s].append(result)
                    } else {
                        failures[m][s] += 1
                    }
                }
                done += 1
                progress?(done, total)
            }
        }
        let ranges = fit.parameters.map { ($0.lower, $0.upper) }
        return ClosureResult(settings: settings, parameterNames: names, free: fit.parameters.map(\.isFree),
                             samples: samples.map { ClosureResult.SampleInfo(label: $0.label, trueTheta: $0.trueTheta, events: $0.count) },
                             methods: methods.indices.map { m in
                                 ClosureResult.MethodResult(name: methods[m].name, samples: samples.indices.map { s in
                                     ClosureSummary(fits: fits[m][s], failedFits: failures[m][s], trueTheta: samples[s].trueTheta,
                                                    levels: settings.confidenceLevels, ranges: ranges)
                                 })
                             })
    }

    /// One subset's fit with one method.
    func fitOne(_ data: [Double], method: Method, truth: [Double], subset: Int) throws -> ClosureFit {
        let nll = try method.likelihood(data)
        let result = try fit.fitFromGrid(nll)
        let free = result.free
        var profileT = [Double?](repeating: nil, count: truth.count)
        var converged = result.status.isConverged
        for (j, name) in result.parameterNames.enumerated() where free[j] {
            let (t, ok) = try fit.profileTestStatistic(nll, result: result, parameter: name, value: truth[j])
            profileT[j] = t
            converged = converged && ok
        }
        var atTruth = truth
        for j in truth.indices where !free[j] { atTruth[j] = result.values[j] }
        let constraintTerm = fit.parameters.indices.reduce(0.0) { $0 + (fit.parameters[$1].constraint?.value(atTruth[$1]) ?? 0) }
        let regionT = max(0, 2 * (try nll.value(atTruth) + constraintTerm - result.minimumNLL))
        var intervals: [[Double]?] = Array(repeating: nil, count: truth.count)
        if settings.minos {
            for interval in try fit.minos(nll, result: result, confidenceLevel: settings.confidenceLevels[0]) {
                if let j = result.parameterNames.firstIndex(of: interval.parameter) { intervals[j] = [interval.lower, interval.upper] }
            }
        }
        let modelErrors = try method.members.map { try fit.modelUncertainty($0(nll), result: result).errors }
        return ClosureFit(subset: subset, values: result.values, errors: result.errors, status: result.status, converged: converged,
                          profileTestStatistics: profileT, regionTestStatistic: regionT, intervals: intervals, modelErrors: modelErrors)
    }
}

extension ClosureStudy {
    /// The held-out samples in `events`: one per distinct θ point (in order of appearance),
    /// labelled `label` and the point.
    ///
    /// - Parameters:
    ///   - events: held-out events simulated at fixed θ points.
    ///   - label: the samples' label (for example the file name); with several θ points, each
    ///     sample's label is `label@NAME=VALUE,…`.
    ///   - names: the parameter names, [p], for the labels.
    public static func samples(from events: Events, label: String, parameterNames names: [String]) -> [Sample] {
        let (points, pointOf) = events.thetaPoints()
        let d = events.observableCount
        var rows = [[Double]](repeating: [], count: points.count)
        for (i, k) in pointOf.enumerated() { rows[k] += events.x[(i * d)..<((i + 1) * d)] }
        return points.indices.map { k in
            let where_ = zip(names, points[k]).map { "\($0)=\(formatBound($1))" }.joined(separator: ",")
            return Sample(label: points.count == 1 ? label : "\(label)@\(where_)", trueTheta: points[k], x: rows[k], observableCount: d)
        }
    }

    /// The null test's training events: `events` with their θ rows randomly permuted (seeded),
    /// so that the set of θ values and the events are kept but θ carries no information about x.
    /// A model trained on them should give a flat likelihood: intervals across the whole range.
    public static func permutingTheta(_ events: Events, seed: UInt64) -> Events {
        var order = Array(0..<events.count)
        var rng = SeededGenerator(seed: seed, stream: 77)
        order.shuffle(using: &rng)
        let p = events.parameterCount
        var theta = [Double](repeating: 0, count: events.theta.count)
        for (i, source) in order.enumerated() {
            for j in 0..<p { theta[i * p + j] = events.theta[source * p + j] }
        }
        return Events(checkedX: events.x, theta: theta, weights: events.weights, observables: events.observableCount, parameters: p)
    }
}
