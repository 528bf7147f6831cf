import Testing
@testable import GMMKit

@Suite struct ExactToyLikelihoodTests {
    @Test("the NLL is −Σ w log p_true; its gradient matches a wider central difference")
    func valueAndGradient() throws {
        let x = try InferenceFixtures.toyEvents(count: 300, cx: 0.5, cy: -0.5, seed: 21)
        let weights = (0..<300).map { 0.5 + Double($0 % 3) * 0.5 }
        let nll = try ExactToyLikelihood(data: x, weights: weights)
        let toy = ToyModel()
        for theta in [[0.3, -0.2], [-1.1, 0.9], [1.4, 1.2]] {
            let logs = toy.logDensities(events: x, cx: theta[0], cy: theta[1])
            let expected = -zip(logs, weights).reduce(0) { $0 + $1.0 * $1.1 }
            let (value, gradient) = try nll.valueAndGradient(theta)
            #expect(abs(value - expected) < 1e-9 * abs(expected))
            for j in 0..<2 {
                var plus = theta, minus = theta
                plus[j] += 1e-4
                minus[j] -= 1e-4
                let numeric = (try nll.value(plus) - nll.value(minus)) / 2e-4
                #expect(abs(gradient[j] - numeric) < 1e-5 * max(1, abs(numeric)))
            }
        }
    }

    @Test("on 20k events the MLE recovers θ within 3σ, Hesse errors agree with the profile, MINOS brackets the MLE")
    func recoversTheta() throws {
        let truth = [0.6, -0.4]
        let x = try InferenceFixtures.toyEvents(count: 20_000, cx: truth[0], cy: truth[1], seed: 22)
        let nll = try ExactToyLikelihood(data: x)
        let fit = MaximumLikelihoodFit(nll, lower: -1.5, upper: 1.5)
        let result = try fit.fit(nll)
        #expect(result.status == .converged, "status \(result.status)")
        for j in 0..<2 {
            #expect(result.errors[j] > 0.001 && result.errors[j] < 0.1)
            #expect(abs(result.values[j] - truth[j]) < 3 * result.errors[j], "θ̂ = \(result.values) ± \(result.errors)")
        }
        // The profile at θ̂ ± σ_Hesse is close to 1 (near-Gaussian likelihood).
        for j in 0..<2 {
            let name = nll.parameterNames[j]
            let scan = try fit.scan(nll, parameter: name, values: [result.values[j] - result.errors[j], result.values[j] + result.errors[j]], result: result)
            for delta in scan.deltaTwoNLL { #expect(abs(delta - 1) < 0.1, "\(name): \(scan.deltaTwoNLL)") }
        }
        for interval in try fit.minos(nll, result: result) {
            #expect(interval.valid && interval.lower < interval.value && interval.value < interval.upper)
        }
    }

    @Test("bad data and θ outside the toy's domain are typed errors")
    func badInput() throws {
        let x = try InferenceFixtures.toyEvents(count: 10, cx: 0, cy: 0, seed: 23)
        #expect(throws: InferenceError.empty(field: "data")) { try ExactToyLikelihood(data: []) }
        #expect(throws: InferenceError.self) { try ExactToyLikelihood(data: [1, 2, 3]) }
        var bad = x
        bad[2] = .nan
        #expect(throws: InferenceError.self) { try ExactToyLikelihood(data: bad) }
        bad = x
        bad[4] = 50  // x0 below 100
        #expect(throws: InferenceError.zeroDensity(field: "data", row: 1, detail: "outside the toy model's support: x0, x1 in [100, 800], x2 in [-π, π]")) {
            try ExactToyLikelihood(data: bad)
        }
        let nll = try ExactToyLikelihood(data: x)
        #expect(throws: InferenceError.outsideDomain(theta: [3, 0], detail: "the toy model needs (2 cx / 5)² + (cy / 2)² ≤ 1")) { try nll.value([3, 0]) }
        #expect(throws: InferenceError.self) { try nll.value([0, 0, 0]) }
    }
}
