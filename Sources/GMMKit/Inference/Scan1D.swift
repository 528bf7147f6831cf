/// A 1-D profile-likelihood scan: −2Δln L at each value of one parameter, the other free
/// parameters profiled (minimised) at each point.
public struct Scan1D: Codable, Sendable, Equatable {
    /// The scanned parameter.
    public var parameter: String
    /// The scanned values, [n] (ascending).
    public var values: [Double]
    /// −2(ln L_max − ln L_profile) at each value, [n]; ln L_max is the larger of the fit's and
    /// the scan's best.
    public var deltaTwoNLL: [Double]
    /// The full θ (likelihood order) at each point's profile minimum, [n][p].
    public var profiledParameters: [[Double]]
    /// The NLL that ``deltaTwoNLL`` is measured from.
    public var minimumNLL: Double
    /// The best-fit value of the parameter (the fit's, or the scan point's if lower).
    public var bestFit: Double
    /// Whether every profile minimisation converged.
    public var allConverged: Bool

    /// The interval where the scan (linearly interpolated) lies below the 1-D Wilks threshold
    /// of `confidenceLevel`, around the best fit; an end is the scan's end when the profile
    /// does not cross before it.
    public func interval(confidenceLevel: Double) throws -> (lower: Double, upper: Double) {
        let threshold = try Wilks.threshold(confidenceLevel: confidenceLevel, degreesOfFreedom: 1)
        guard let first = values.first, let last = values.last else { throw InferenceError.empty(field: "scan values") }
        let m = deltaTwoNLL.indices.min(by: { deltaTwoNLL[$0] < deltaTwoNLL[$1] }) ?? 0
        var lower = first, upper = last
        for k in stride(from: m, to: 0, by: -1) where deltaTwoNLL[k - 1] > threshold {
            let (a, b) = (deltaTwoNLL[k - 1], deltaTwoNLL[k])
            lower = values[k - 1] + (threshold - a) / (b - a) * (values[k] - values[k - 1])
            break
        }
        for k in m..<max(m, values.count - 1) where deltaTwoNLL[k + 1] > threshold {
            let (a, b) = (deltaTwoNLL[k], deltaTwoNLL[k + 1])
            upper = values[k] + (threshold - a) / (b - a) * (values[k + 1] - values[k])
            break
        }
        return (lower, upper)
    }

    enum CodingKeys: String, CodingKey {
        case parameter, values
        case deltaTwoNLL = "delta_two_nll"
        case profiledParameters = "profiled_parameters"
        case minimumNLL = "minimum_nll"
        case bestFit = "best_fit"
        case allConverged = "all_converged"
    }
}
