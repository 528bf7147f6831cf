import Testing
@testable import GMMKit

/// ``MaximumLikelihoodFit/fitFromGrid(_:)``: a fit that starts in the basin of a local minimum
/// stops there; started from the grid it finds the global one.
@Suite struct GridStartTests {
    @Test("fitFromGrid finds the global minimum where a fit from the start value stops in the local one")
    func globalMinimum() throws {
        let nll = DoubleWell()
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "a", lower: -2, upper: 2, start: -0.5),
                                                    FitParameter(name: "b", lower: -2, upper: 2)])
        let local = try fit.fit(nll)
        #expect(local.status == .converged && local.values[0] < -0.9)
        let global = try fit.fitFromGrid(nll)
        #expect(global.status == .converged)
        #expect(global.values[0] > 0.9 && abs(global.values[1] - 0.4) < 1e-2)  // b: Hesse error 1
        #expect(global.minimumNLL < local.minimumNLL - 0.5)
    }

    @Test("start grids: 9 points per axis up to 2 free parameters, 5 up to 4, 3 up to 10, none beyond")
    func gridSizes() {
        #expect([1, 2, 3, 4, 5, 10, 11].map { MaximumLikelihoodFit.startGridPointsPerAxis(freeParameters: $0) } == [9, 9, 5, 5, 3, 3, nil])
    }
}
