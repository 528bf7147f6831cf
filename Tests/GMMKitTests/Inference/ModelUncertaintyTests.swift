import Testing
@testable import GMMKit

/// The model term of an ensemble: each member's own global MLE.
@Suite struct ModelUncertaintyTests {
    @Test("a member whose global minimum lies in another well than the ensemble's MLE is fitted there, not next to the start")
    func membersAreMinimisedGlobally() throws {
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "a", lower: -2, upper: 2), FitParameter(name: "b", lower: -2, upper: 2)])
        // The ensemble's MLE in the left well; member 0's global minimum is in the right one.
        let left = DoubleWell(tilt: -0.3), right = DoubleWell(tilt: 0.3)
        let result = try fit.fit(left, start: [-1, 0.4])
        #expect(result.values[0] < -0.9)
        let term = try fit.modelUncertainty([right, left], result: result)
        #expect(term.memberValues[0][0] > 0.9, "\(term.memberValues)")
        #expect(term.memberValues[1][0] < -0.9, "\(term.memberValues)")
        // Two MLEs about ±1.04 apart: a standard deviation near 1.47.
        #expect(abs(term.errors[0] - abs(term.memberValues[0][0] - term.memberValues[1][0]) / 2.0.squareRoot()) < 1e-9)
        #expect(term.errors[0] > 1.3)
    }
}
