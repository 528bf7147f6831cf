#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GMMKit

/// A wrapper hiding ``ClosedFormProfiling``, so scans profile point by point.
private struct Opaque: NegativeLogLikelihood {
    let inner: NegativeLogLikelihood
    var parameterNames: [String] { inner.parameterNames }
    func value(_ theta: [Double]) throws -> Double { try inner.value(theta) }
    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) { try inner.valueAndGradient(theta) }
}

@Suite struct ExtendedLikelihoodTests {
    static func make(events: Int = 400, luminosity: Double = 150) throws -> ExtendedLikelihood {
        let x = try InferenceFixtures.toyEvents(count: events, cx: 0.5, cy: 0.3, seed: 41)
        let shape = try ExactToyLikelihood(data: x)
        let grid = RateModelTests.grid
        let rate = try RateModel.fit(points: grid, totals: grid.map(RateModelTests.sigma), degree: 2, parameterNames: ["cx", "cy"])
        return try ExtendedLikelihood(shape: shape, rate: rate, luminosity: luminosity, observedEvents: Double(events))
    }

    @Test("value = ν − n ln ν + shape NLL; the gradient matches finite differences")
    func valueAndGradient() throws {
        let nll = try Self.make()
        #expect(nll.parameterNames == ["cx", "cy", "norm"])
        for theta in [[0.2, -0.3, 1.0], [0.9, 0.6, 0.8]] {
            let nu = theta[2] * 150 * RateModelTests.sigma(theta)
            let expected = nu - 400 * log(nu) + (try nll.shape.value(Array(theta.prefix(2))))
            let (value, gradient) = try nll.valueAndGradient(theta)
            #expect(abs(value - expected) < 1e-9 * abs(expected))
            for j in 0..<3 {
                var plus = theta, minus = theta
                plus[j] += 1e-4
                minus[j] -= 1e-4
                let numeric = (try nll.value(plus) - nll.value(minus)) / 2e-4
                #expect(abs(gradient[j] - numeric) < 1e-5 * max(1, abs(numeric)))
            }
        }
    }

    @Test("the fitted normalisation makes ν̂ = n (free); with a tight constraint it stays near its mean")
    func normalisation() throws {
        let nll = try Self.make()
        var parameters = [FitParameter(name: "cx", lower: -1.5, upper: 1.5), FitParameter(name: "cy", lower: -1.5, upper: 1.5),
                          FitParameter(name: "norm", lower: 0.1, upper: 5, start: 1)]
        let free = try MaximumLikelihoodFit(parameters: parameters).fit(nll)
        #expect(free.status == .converged)
        let nu = free.values[2] * 150 * RateModelTests.sigma(free.values)
        #expect(abs(nu - 400) < 0.05)
        parameters[2].constraint = GaussianConstraint(mean: 1, width: 1e-3)
        let constrained = try MaximumLikelihoodFit(parameters: parameters).fit(nll)
        #expect(abs(constrained.values[2] - 1) < 5e-3)
        #expect(constrained.errors[2] < 1e-3)
    }

    @Test("scans with the normalisation profiled in closed form agree with point-by-point profiling", arguments: [false, true])
    func closedFormProfile(constrained: Bool) throws {
        let nll = try Self.make()
        let fit = MaximumLikelihoodFit(parameters: [
            FitParameter(name: "cx", lower: -1.5, upper: 1.5), FitParameter(name: "cy", lower: -1.5, upper: 1.5),
            FitParameter(name: "norm", lower: 0.1, upper: 5, start: 1, constraint: constrained ? GaussianConstraint(mean: 1, width: 0.05) : nil),
        ])
        let result = try fit.fit(nll)
        let axis = [-0.5, 0.0, 0.4, 0.9]
        let fast = try fit.scan(nll, x: "cx", xValues: axis, y: "cy", yValues: axis, result: result)
        let slow = try fit.scan(Opaque(inner: nll), x: "cx", xValues: axis, y: "cy", yValues: axis, result: result)
        #expect(fast.allConverged && slow.allConverged)
        for j in axis.indices {
            for i in axis.indices { #expect(abs(fast.deltaTwoNLL[j][i] - slow.deltaTwoNLL[j][i]) < 1e-3, "(\(i), \(j))") }
        }
        let fast1 = try fit.scan(nll, parameter: "cy", values: axis, result: result)
        let slow1 = try fit.scan(Opaque(inner: nll), parameter: "cy", values: axis, result: result)
        for k in axis.indices { #expect(abs(fast1.deltaTwoNLL[k] - slow1.deltaTwoNLL[k]) < 1e-3) }
        // With progress: the batched pass goes in slices and the point-by-point one reports as it
        // goes; the scans are the same, and the last report is (16, 16).
        for likelihood in [nll, Opaque(inner: nll)] as [NegativeLogLikelihood] {
            var reports: [[Int]] = []
            let reported = try fit.scan(likelihood, x: "cx", xValues: axis, y: "cy", yValues: axis, result: result) { reports.append([$0, $1]) }
            let plain = likelihood is Opaque ? slow : fast
            #expect(reported.deltaTwoNLL == plain.deltaTwoNLL)
            #expect(reports.last == [16, 16] && reports.count >= 2 && reports.map { $0[0] } == reports.map { $0[0] }.sorted())
        }
    }

    @Test("a non-positive rate, a taken name and bad luminosity are typed errors")
    func badInput() throws {
        let nll = try Self.make()
        #expect(throws: InferenceError.self) { try nll.value([0, 0, -1]) }
        #expect(throws: InferenceError.self) {
            try ExtendedLikelihood(shape: nll.shape, rate: nll.rate, luminosity: 1, observedEvents: 1, normalisationName: "cx")
        }
        #expect(throws: InferenceError.self) { try ExtendedLikelihood(shape: nll.shape, rate: nll.rate, luminosity: 0, observedEvents: 1) }
        #expect(throws: InferenceError.self) { try ExtendedLikelihood(shape: nll.shape, rate: nll.rate, luminosity: 1, observedEvents: .nan) }
        let other = try RateModel.fit(points: [[0], [1]], totals: [1, 2], degree: 1, parameterNames: ["mass"])
        #expect(throws: InferenceError.unknownParameter(name: "mass", known: ["cx", "cy"])) {
            try ExtendedLikelihood(shape: nll.shape, rate: other, luminosity: 1, observedEvents: 1)
        }
    }
}
