import GMMCompute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Importance-sampling weights that turn events drawn at θ0 into a sample of p(x|θ)
/// (Section 5 of the paper): w_i = p(x_i|θ) / p(x_i|θ0), times the events' own weights.
///
/// Valid when p(x|θ0) covers the support of p(x|θ); the mean weight (≈ 1) and Kish's effective
/// sample size say how well. Moments use the self-normalised estimator Σ w f / Σ w.
public struct ImportanceWeights: Sendable {
    /// The θ0 the events were drawn at, `[p]`.
    public var proposalTheta: [Double]
    /// The target θ, `[p]`.
    public var targetTheta: [Double]
    /// One weight per event, `[N]`.
    public var weights: [Double]

    /// The mean weight: an unbiased estimate of ∫ p(x|θ) dx over the support of p(x|θ0), ≈ 1.
    public var meanWeight: Double { weights.isEmpty ? 0 : weights.reduce(0, +) / Double(weights.count) }

    /// Kish's effective sample size (Σw)² / Σw².
    public var effectiveSampleSize: Double { GMMKit.effectiveSampleSize(weights) }

    /// The mean weight relative to the events' own mean weight `ownMeanWeight` (1 for
    /// unweighted events): ≈ 1 where the proposal covers the target.
    public func relativeMeanWeight(ownMeanWeight: Double = 1) -> Double { meanWeight / ownMeanWeight }

    /// Whether the proposal covers this target poorly: an effective sample size under 1% of the
    /// events, or a mean weight (relative to the events' own) off 1 by more than 0.2. The
    /// weighted sample then has a large variance or misses part of p(x|θ).
    public func coversPoorly(ownMeanWeight: Double = 1) -> Bool {
        effectiveSampleSize < 0.01 * Double(weights.count) || Swift.abs(relativeMeanWeight(ownMeanWeight: ownMeanWeight) - 1) > 0.2
    }

    /// The weights of several targets as one table, [N, K] row-major (event i, target j).
    public static func table(_ targets: [ImportanceWeights]) -> [Double] {
        let k = targets.count, n = targets.first?.weights.count ?? 0
        var table = [Double](repeating: 0, count: n * k)
        for (j, result) in targets.enumerated() {
            for i in 0..<min(n, result.weights.count) { table[i * k + j] = result.weights[i] }
        }
        return table
    }

    /// Weights from log-densities of the same events under the target and the proposal.
    ///
    /// - Parameters:
    ///   - logTarget: log p(x_i|θ), `[N]`.
    ///   - logProposal: log p(x_i|θ0), `[N]` (finite where the events were drawn).
    ///   - eventWeights: the events' own weights, `[N]`, or nil.
    ///   - proposalTheta: the proposal θ0, `[p]` (recorded).
    ///   - targetTheta: the target θ, `[p]` (recorded).
    /// - Throws: ``ModelError`` for mismatched sizes, NaN, or a proposal density of zero.
    public init(logTarget: [Double], logProposal: [Double], eventWeights: [Double]? = nil,
                proposalTheta: [Double] = [], targetTheta: [Double] = []) throws {
        guard logTarget.count == logProposal.count else {
            throw ModelError.shapeMismatch(field: "logTarget", expected: "[\(logProposal.count)] (one per event of logProposal)", got: "\(logTarget.count) values")
        }
        if let eventWeights, eventWeights.count != logTarget.count {
            throw ModelError.shapeMismatch(field: "eventWeights", expected: "[\(logTarget.count)]", got: "\(eventWeights.count) values")
        }
        var weights = [Double](repeating: 0, count: logTarget.count)
        for i in 0..<logTarget.count {
            let t = logTarget[i], q = logProposal[i]
            guard q.isFinite else { throw ModelError.nonFinite(field: "logProposal (the proposal density must be positive at every event)", row: i, column: 0, value: q) }
            guard !t.isNaN, t < .infinity else { throw ModelError.nonFinite(field: "logTarget", row: i, column: 0, value: t) }
            weights[i] = exp(t - q) * (eventWeights?[i] ?? 1)
        }
        self.weights = weights
        self.proposalTheta = proposalTheta
        self.targetTheta = targetTheta
    }

    /// The self-normalised weighted mean of each column of `values` `[N, d]`, `[d]`.
    public func mean(of values: [Double], columns d: Int) -> [Double] {
        precondition(d > 0 && values.count == weights.count * d, "ImportanceWeights.mean: values must be [\(weights.count), \(d)]")
        var sums = [Double](repeating: 0, count: d)
        var total = 0.0
        for (i, w) in weights.enumerated() {
            total += w
            for j in 0..<d { sums[j] += w * values[i * d + j] }
        }
        return sums.map { $0 / total }
    }

    /// The self-normalised weighted covariance matrix of the columns of `values` `[N, d]`,
    /// `[d, d]` row-major.
    public func covariance(of values: [Double], columns d: Int) -> [Double] {
        let mu = mean(of: values, columns: d)
        var c = [Double](repeating: 0, count: d * d)
        var total = 0.0
        for (i, w) in weights.enumerated() {
            total += w
            for a in 0..<d {
                let da = values[i * d + a] - mu[a]
                for b in 0..<d { c[a * d + b] += w * da * (values[i * d + b] - mu[b]) }
            }
        }
        return c.map { $0 / total }
    }
}

extension DensityModel {
    /// Section 5's importance sampling: draws `count` events at θ0 and weights them to each
    /// target θ by the model's p(x|θ) / p(x|θ0) (one batched pass for all targets).
    ///
    /// - Parameters:
    ///   - count: events to draw at θ0.
    ///   - theta0: the proposal θ0, `[p]`.
    ///   - targets: K target points, each `[p]`.
    ///   - seed: the seed of the draw.
    ///   - device: where to compute.
    /// - Returns: the events `[count, d]` (data space) and one ``ImportanceWeights`` per target.
    public func importanceSample(count: Int, theta0: [Double], targets: [[Double]], seed: UInt64,
                                 device: Device) throws -> (events: [Double], weights: [ImportanceWeights]) {
        let events = try sample(count: count, theta: theta0, seed: seed, device: device)
        return (events, try importanceWeights(events: events, theta0: theta0, targets: targets, device: device))
    }

    /// Weights that take `events` `[N, d]` drawn at θ0 to each target θ.
    public func importanceWeights(events: [Double], eventWeights: [Double]? = nil, theta0: [Double], targets: [[Double]],
                                  device: Device) throws -> [ImportanceWeights] {
        let values = try logProb(atEach: [theta0] + targets, events: events, device: device)
        return try targets.enumerated().map { k, theta in
            try ImportanceWeights(logTarget: values[k + 1], logProposal: values[0], eventWeights: eventWeights,
                                  proposalTheta: theta0, targetTheta: theta)
        }
    }
}
