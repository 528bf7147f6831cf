#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import GMMKit

@Suite struct StandardNormalTests {
    @Test func quantileHasKnownValues() {
        #expect(abs(StandardNormal.quantile(0.975) - 1.959_963_984_540_054) < 1e-14)
        #expect(abs(StandardNormal.quantile(0.025) + 1.959_963_984_540_054) < 1e-14)
        #expect(StandardNormal.quantile(0.5) == 0)
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
        #expect(abs(StandardNormal.upperQuantile(0.025) - 1.959_963_984_540_054) < 1e-14)
    }

    @Test func quantileInvertsTheCDFFromTailToTail() {
        // Rounding z to a double already moves Phi(z) by a relative |z|^2 * 1.1e-16 or so in
        // the tails, so the tolerance grows with z^2.
        var p = 1e-300
        while p < 0.5 {
            let z = StandardNormal.quantile(p)
            let tolerance = 1e-15 * max(1, z * z)
            #expect(abs(StandardNormal.cdf(z) / p - 1) < tolerance, "p = \(p)")
            let zu = StandardNormal.upperQuantile(p)
            #expect(abs(StandardNormal.complementaryCDF(zu) / p - 1) < tolerance, "q = \(p)")
            p *= 3.7
        }
    }

    @Test func intervalProbabilityAvoidsCancellation() {
        let tail = StandardNormal.intervalProbability(from: 9, to: 10)
        #expect(abs(tail / (StandardNormal.complementaryCDF(9) - StandardNormal.complementaryCDF(10)) - 1) < 1e-14)
        #expect(tail > 0)
        #expect(abs(StandardNormal.intervalProbability(from: -1, to: 1) - erf(1 / 2.0.squareRoot())) < 1e-15)
    }

    @Test func logisticFunctionsAreStable() {
        #expect(Logistic.softplus(1000) == 1000)
        #expect(Logistic.softplus(-1000) == 0)
        #expect(abs(Logistic.softplus(0) - log(2.0)) < 1e-16)
        #expect(Logistic.logSigmoid(-1000) == -1000)
        #expect(Logistic.sigmoid(-700) > 0)
        #expect(abs(Logistic.sigmoid(0.3) - 1 / (1 + exp(-0.3))) < 1e-16)
    }
}
