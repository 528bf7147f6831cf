import Foundation
import Testing
import GMMTestSupport
@testable import GMMKit

@Suite struct LatentTargetTests {
    let target = LatentTarget.standard

    @Test func standardHasPaperParameters() throws {
        #expect(target.alpha == 4 && target.beta == 3 && target.gamma == 1)
        #expect(target.lowerBound == -5 && target.upperBound == 5)
        #expect(try LatentTarget() == target)
    }

    @Test func unnormalizedDensityIsEquationOne() {
        for u in stride(from: -6.0, through: 6.0, by: 0.05) {
            let direct = 1 / (1 + exp(4 * (u - 3) - 1)) * 1 / (1 + exp(-4 * (u + 3) - 1))
            #expect(abs(target.unnormalizedDensity(u) - direct) <= 1e-14 * max(1, direct))
        }
    }

    @Test func densityIntegratesToOne() {
        let integral = simpson(-5, 5, intervals: 20_000) { target.density($0) }
        #expect(abs(integral - 1) < 1e-10)
        #expect(target.density(-5.0001) == 0)
        #expect(target.logDensity(5.0001) == -.infinity)
    }

    @Test func cdfMatchesQuadrature() {
        for u in stride(from: -5.0, through: 5.0, by: 0.25) {
            let numeric = simpson(-5, u, intervals: 4000) { target.density($0) }
            #expect(abs(target.cdf(u) - numeric) < 1e-10, "u = \(u)")
            #expect(abs(target.cdf(u) + target.survival(u) - 1) < 1e-15)
        }
        #expect(target.cdf(-5) == 0 && target.cdf(5) == 1)
        #expect(target.cdf(-7) == 0 && target.cdf(7) == 1)
    }

    @Test func cdfOfNonStandardTargetMatchesQuadrature() throws {
        let t = try LatentTarget(alpha: 1.5, beta: 0.5, gamma: -0.25, lowerBound: -3, upperBound: 4)
        #expect(abs(simpson(-3, 4, intervals: 20_000) { t.density($0) } - 1) < 1e-10)
        for u in stride(from: -3.0, through: 4.0, by: 0.5) {
            #expect(abs(t.cdf(u) - simpson(-3, u, intervals: 4000) { t.density($0) }) < 1e-10)
        }
    }

    @Test func logDensityIsLogOfDensity() {
        for u in stride(from: -5.0, through: 5.0, by: 0.1) {
            #expect(abs(target.logDensity(u) - log(target.density(u))) < 1e-12)
        }
    }

    @Test func quantileInvertsCDF() {
        var ps = [0.0, 1e-300, 1e-12, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-12, 1]
        ps += stride(from: 0.01, to: 1, by: 0.01)
        for p in ps {
            let u = target.quantile(p)
            #expect(u >= -5 && u <= 5)
            #expect(abs(target.cdf(u) - p) < 1e-13, "p = \(p)")
        }
        for u in stride(from: -5.0, through: 5.0, by: 0.01) {
            #expect(abs(target.quantile(target.cdf(u)) - u) < 1e-9, "u = \(u)")
        }
    }

    @Test func upperTailQuantileKeepsPrecision() {
        for u in [4.9, 4.99, 4.999999] {
            let back = target.quantile(lower: target.cdf(u), upper: target.survival(u))
            #expect(abs(back - u) < 1e-11, "u = \(u)")
        }
    }

    /// The closed-form quantile on intervals that sit off-centre, far into one tail, or on a
    /// narrow plateau: both tail probabilities come back to 1e-11 relative (the CDF's own rounding
    /// on the narrow plateau is about 1e-12), and u to 1e-10.
    @Test(arguments: [(4.0, 3.0, 1.0, -5.0, 5.0), (4.0, 3.0, 1.0, 1.0, 6.0), (4.0, 3.0, 1.0, -9.0, -2.0),
                      (1.5, 0.5, -0.25, -3.0, 4.0), (2.0, 0.001, 0.0, -1.0, 1.0), (4.0, 3.0, 1.0, 3.5, 7.0)])
    func quantileInvertsBothTailsOfAnyTarget(parameters: (Double, Double, Double, Double, Double)) throws {
        let (alpha, beta, gamma, lo, hi) = parameters
        let t = try LatentTarget(alpha: alpha, beta: beta, gamma: gamma, lowerBound: lo, upperBound: hi)
        for k in 1..<400 {
            let u = lo + (hi - lo) * Double(k) / 400
            let (p, q) = (t.cdf(u), t.survival(u))
            let back = t.quantile(lower: p, upper: q)
            #expect(abs(back - u) < 1e-10 * max(1, abs(u)), "u = \(u) on [\(lo), \(hi)]")
            #expect(abs(t.cdf(back) - p) <= 1e-11 * p, "lower tail at u = \(u) on [\(lo), \(hi)]")
            #expect(abs(t.survival(back) - q) <= 1e-11 * q, "upper tail at u = \(u) on [\(lo), \(hi)]")
        }
        #expect(t.quantile(0) == lo && t.quantile(1) == hi)
        #expect(t.quantile(.nan).isNaN)
    }

    @Test func invalidParametersThrowNamingTheField() {
        #expect(throws: ProjectionError.self) { try LatentTarget(alpha: 0) }
        do {
            _ = try LatentTarget(lowerBound: 2, upperBound: 1)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("u_max"))
        }
        #expect(throws: ProjectionError.self) { try LatentTarget(alpha: 1, beta: -2, gamma: 1) }
        #expect(throws: ProjectionError.self) { try LatentTarget(beta: .nan) }
    }

    @Test func codableRoundTrip() throws {
        let t = try LatentTarget(alpha: 3.3, beta: 2.1, gamma: 0.7, lowerBound: -4.5, upperBound: 6.25)
        let data = try JSONEncoder().encode(t)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"u_min\""))
        #expect(try JSONDecoder().decode(LatentTarget.self, from: data) == t)
    }
}
