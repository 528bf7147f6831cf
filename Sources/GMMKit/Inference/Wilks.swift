/// Wilks' theorem: asymptotically, −2Δln L of the profile likelihood at the true values of k
/// parameters follows a χ² distribution with k degrees of freedom, so the confidence region at
/// level CL is where −2Δln L ≤ the χ²_k quantile at CL (1-D: 1.00 at 68.27%, 3.84 at 95%;
/// 2-D: 2.30 and 5.99).
public enum Wilks {
    /// One standard deviation of a normal, as a probability: 0.6827 (erf(1/√2)).
    public static let oneSigma = 0.682_689_492_137_085_9
    /// Two standard deviations: 0.9545.
    public static let twoSigma = 0.954_499_736_103_641_6

    /// The confidence level written as a probability in (0, 1) (`0.95`) or as a number of
    /// standard deviations of a normal (`1sigma`, `2sigma`, `1.5sigma`; also `σ`): `1sigma` is
    /// 0.6827, the level whose Wilks thresholds are 1.00 in 1-D and 2.30 in 2-D.
    ///
    /// - Throws: ``InferenceError/invalidArgument(name:expected:got:)`` naming `name` for
    ///   anything else, a probability outside (0, 1) or a non-positive number of sigmas.
    public static func confidenceLevel(parsing text: String, name: String = "confidence level") throws -> Double {
        let expected = "a probability in (0, 1) such as 0.95, or a number of standard deviations such as 1sigma"
        let trimmed = String(text.lowercased().drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        for suffix in ["sigma", "σ"] where trimmed.hasSuffix(suffix) {
            guard let n = Double(String(trimmed.dropLast(suffix.count).filter { $0 != " " })), n.isFinite, n > 0, n <= 8 else {
                throw InferenceError.invalidArgument(name: name, expected: expected + " (0 < N ≤ 8)", got: "'\(text)'")
            }
            return StandardNormal.intervalProbability(from: -n, to: n)
        }
        guard let level = Double(trimmed), level > 0, level < 1 else {
            throw InferenceError.invalidArgument(name: name, expected: expected, got: "'\(text)'")
        }
        return level
    }

    /// The threshold on −2Δln L for a region at `confidenceLevel` in `degreesOfFreedom` dimensions.
    ///
    /// - Throws: ``InferenceError/invalidArgument(name:expected:got:)`` for a level outside
    ///   (0, 1) or fewer than one degree of freedom.
    public static func threshold(confidenceLevel: Double, degreesOfFreedom: Int) throws -> Double {
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw InferenceError.invalidArgument(name: "confidenceLevel", expected: "a probability in (0, 1), e.g. 0.95", got: "\(confidenceLevel)")
        }
        guard degreesOfFreedom >= 1 else {
            throw InferenceError.invalidArgument(name: "degreesOfFreedom", expected: "at least 1", got: "\(degreesOfFreedom)")
        }
        return ChiSquared.quantile(confidenceLevel, degreesOfFreedom: degreesOfFreedom)
    }

    /// The confidence level of the region −2Δln L ≤ `threshold` in `degreesOfFreedom` dimensions.
    public static func confidenceLevel(threshold: Double, degreesOfFreedom: Int) throws -> Double {
        guard threshold.isFinite, threshold >= 0 else {
            throw InferenceError.invalidArgument(name: "threshold", expected: "a finite value ≥ 0", got: "\(threshold)")
        }
        guard degreesOfFreedom >= 1 else {
            throw InferenceError.invalidArgument(name: "degreesOfFreedom", expected: "at least 1", got: "\(degreesOfFreedom)")
        }
        return ChiSquared.cdf(threshold, degreesOfFreedom: degreesOfFreedom)
    }
}
