#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GMMKit

@Suite struct WilksTests {
    @Test("thresholds are the χ² quantiles: 1-D 1.00/3.84, 2-D 2.30/5.99, closed forms for k = 1, 2, 4")
    func thresholds() throws {
        #expect(abs(try Wilks.threshold(confidenceLevel: Wilks.oneSigma, degreesOfFreedom: 1) - 1) < 1e-9)
        #expect(abs(try Wilks.threshold(confidenceLevel: 0.95, degreesOfFreedom: 1) - 3.841_458_820_694_124) < 1e-9)
        #expect(abs(try Wilks.threshold(confidenceLevel: Wilks.oneSigma, degreesOfFreedom: 2) - 2.295_748_928_898_636) < 1e-9)
        #expect(abs(try Wilks.threshold(confidenceLevel: 0.95, degreesOfFreedom: 2) - 5.991_464_547_107_979) < 1e-9)
        for cl in [0.1, 0.5, 0.68, 0.9, 0.99, 0.999] {
            // k = 1: (Φ⁻¹((1+CL)/2))²; k = 2: −2 ln(1 − CL).
            let z = StandardNormal.quantile(0.5 * (1 + cl))
            #expect(abs(try Wilks.threshold(confidenceLevel: cl, degreesOfFreedom: 1) - z * z) < 1e-8 * max(1, z * z))
            #expect(abs(try Wilks.threshold(confidenceLevel: cl, degreesOfFreedom: 2) + 2 * log(1 - cl)) < 1e-8)
            // k = 4: P = 1 − e^{−x/2}(1 + x/2) at the threshold.
            let x = try Wilks.threshold(confidenceLevel: cl, degreesOfFreedom: 4)
            #expect(abs(1 - exp(-x / 2) * (1 + x / 2) - cl) < 1e-10)
            #expect(abs(try Wilks.confidenceLevel(threshold: x, degreesOfFreedom: 4) - cl) < 1e-10)
        }
        // Large k: mean k, the median slightly below it.
        let median = try Wilks.threshold(confidenceLevel: 0.5, degreesOfFreedom: 50)
        #expect(median < 50 && median > 48.5)
    }

    @Test("confidence levels parse as probabilities or numbers of standard deviations")
    func parsing() throws {
        #expect(abs(try Wilks.confidenceLevel(parsing: "1sigma") - Wilks.oneSigma) < 1e-15)
        #expect(abs(try Wilks.confidenceLevel(parsing: " 2 sigma ") - Wilks.twoSigma) < 1e-15)
        #expect(abs(try Wilks.confidenceLevel(parsing: "3σ") - 0.997_300_203_936_739_8) < 1e-15)
        #expect(try Wilks.confidenceLevel(parsing: "0.95") == 0.95)
        // 1σ in 2-D is the 2.30 of the tables.
        #expect(abs(try Wilks.threshold(confidenceLevel: Wilks.confidenceLevel(parsing: "1sigma"), degreesOfFreedom: 2) - 2.295_748_928_898_636) < 1e-9)
        for bad in ["", "95", "1.0", "0", "-1sigma", "0sigma", "9sigma", "sigma", "nan", "inf", "1 sigmas"] {
            #expect(throws: InferenceError.self, "'\(bad)'") { try Wilks.confidenceLevel(parsing: bad, name: "--confidence") }
        }
        do {
            _ = try Wilks.confidenceLevel(parsing: "68", name: "--confidence")
        } catch {
            #expect("\(error)".contains("--confidence") && "\(error)".contains("'68'") && "\(error)".contains("1sigma"), "\(error)")
        }
    }

    @Test("a confidence level outside (0, 1) or no degrees of freedom is a typed error")
    func badInput() {
        #expect(throws: InferenceError.self) { try Wilks.threshold(confidenceLevel: 1, degreesOfFreedom: 1) }
        #expect(throws: InferenceError.self) { try Wilks.threshold(confidenceLevel: .nan, degreesOfFreedom: 1) }
        #expect(throws: InferenceError.self) { try Wilks.threshold(confidenceLevel: 0.68, degreesOfFreedom: 0) }
    }
}
