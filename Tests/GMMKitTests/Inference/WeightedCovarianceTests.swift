import Testing
@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// −ln L = ½ Σ_i w_i (x_i − μ)² of a unit-width Gaussian mean, with weights: score x_i − μ.
struct WeightedGaussianMean: EventScoring {
    let data: [Double]
    let eventWeights: [Double]?
    var parameterNames: [String] { ["mu"] }

    func value(_ theta: [Double]) throws -> Double {
        data.indices.reduce(0) { $0 + 0.5 * (eventWeights?[$1] ?? 1) * (data[$1] - theta[0]) * (data[$1] - theta[0]) }
    }

    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        (try value(theta), [data.indices.reduce(0) { $0 - (eventWeights?[$1] ?? 1) * (data[$1] - theta[0]) }])
    }

    func eventScores(_ theta: [Double]) throws -> [[Double]] { data.map { [$0 - theta[0]] } }
}

@Suite struct WeightedCovarianceTests {
    let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -5, upper: 5)])

    @Test("constant weights c: the Hesse error shrinks by 1/√c, the weighted covariance is the unweighted one")
    func constantWeights() throws {
        var rng = TestRandom(seed: 41)
        let x = (0..<500).map { _ in 0.4 + rng.normal() }
        let plain = WeightedGaussianMean(data: x, eventWeights: nil)
        let heavy = WeightedGaussianMean(data: x, eventWeights: [Double](repeating: 4, count: x.count))
        let plainFit = try fit.fit(plain), heavyFit = try fit.fit(heavy)
        #expect(abs(heavyFit.errors[0] - 0.5 * plainFit.errors[0]) < 1e-6 * plainFit.errors[0])
        let mean = x.reduce(0, +) / 500
        let spread = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        for (nll, result) in [(plain, plainFit), (heavy, heavyFit)] {
            let weighted = try fit.weightedCovariance(nll, result: result)
            // V D V = (1/(cN)) (c² Σ (x − x̄)²) (1/(cN)) = Σ (x − x̄)² / N² for any c.
            #expect(abs(weighted.covariance[0][0] - spread / 250_000) < 1e-5 * spread / 250_000)
            #expect(abs(weighted.effectiveEvents - 500) < 1e-9)
        }
    }

    @Test("importance weights: the weighted errors match the spread of the MLE over pseudo-experiments, the Hesse errors do not")
    func importanceWeightsCoverage() throws {
        // Events drawn from q = N(0.3, 1.3²) and weighted to p = N(0.3, 1): the weighted fit of μ
        // has variance E_q[w² (x − μ)²]/N = 0.778/N, not the Hesse 1/Σw ≈ 1/N.
        var rng = TestRandom(seed: 42)
        var estimates: [Double] = [], weightedErrors: [Double] = [], hesseErrors: [Double] = []
        for _ in 0..<2000 {
            let x = (0..<200).map { _ in 0.3 + 1.3 * rng.normal() }
            let w = x.map { 1.3 * exp(-0.5 * ($0 - 0.3) * ($0 - 0.3) * (1 - 1 / 1.69)) }
            let nll = WeightedGaussianMean(data: x, eventWeights: w)
            let result = try fit.fit(nll)
            estimates.append(result.values[0])
            hesseErrors.append(result.errors[0])
            weightedErrors.append(try fit.weightedCovariance(nll, result: result).errors[0])
        }
        let mean = estimates.reduce(0, +) / 2000
        let spread = (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 1999).squareRoot()
        let weighted = weightedErrors.reduce(0, +) / 2000, hesse = hesseErrors.reduce(0, +) / 2000
        // The spread's own relative error is about 1/√(2 · 2000) = 1.6%.
        #expect(abs(weighted / spread - 1) < 0.05, "weighted error \(weighted) against the spread \(spread)")
        #expect(abs(spread - (0.778 / 200).squareRoot()) < 0.05 * spread, "spread \(spread) against the expected \((0.778 / 200).squareRoot())")
        #expect(hesse / spread > 1.08, "the Hesse error \(hesse) should overstate the spread \(spread) by about 13%")
    }

    @Test("unit weights with a Gaussian constraint: the weighted covariance agrees with Hesse")
    func constraintTerm() throws {
        var rng = TestRandom(seed: 43)
        let x = (0..<400).map { _ in rng.normal() }
        let constrained = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -5, upper: 5, constraint: GaussianConstraint(mean: 0, width: 0.05))])
        let nll = WeightedGaussianMean(data: x, eventWeights: nil)
        let result = try constrained.fit(nll)
        let weighted = try constrained.weightedCovariance(nll, result: result)
        // H = 400 + 400: Hesse error 1/√800; D = Σ (x − μ̂)² + 400 ≈ 800.
        #expect(abs(result.errors[0] - (1 / 800.0).squareRoot()) < 1e-6)
        #expect(abs(weighted.errors[0] / result.errors[0] - 1) < 0.1)
        #expect(weighted.errors[0] < 0.8 * (1 / 400.0).squareRoot(), "the constraint's 1/σ² must enter D")
    }

    @Test("a trained model's event scores match finite differences of log p, sum to the NLL gradient, and span device chunks")
    func modelScores() throws {
        let cpu = try Devices.open("cpu")
        let model = try InferenceFixtures.toyModel(epochs: 1, device: cpu)
        // 9000 events: more than one cpu evaluation chunk (8192 rows).
        let x = try InferenceFixtures.toyEvents(count: 9000, cx: 0.4, cy: -0.6, seed: 44)
        var rng = TestRandom(seed: 45)
        let w = (0..<9000).map { _ in 0.5 + rng.uniform() }
        let nll = try ModelLikelihood(model: model, data: x, weights: w, device: cpu, space: .data)
        // Leaky ReLUs make log p piecewise smooth: a difference quotient whose step crosses a
        // kink differs from the derivative, so most events, not all, must agree.
        let theta = [0.35, -0.5], h = 1e-3
        let scores = try nll.eventScores(theta)
        #expect(scores.count == 9000 && scores.allSatisfy { $0.count == 2 })
        let gradient = try nll.valueAndGradient(theta).gradient
        for j in 0..<2 {
            let summed = scores.indices.reduce(0) { $0 + w[$1] * scores[$1][j] }
            #expect(abs(summed + gradient[j]) < 1e-4 * max(1, abs(gradient[j])), "Σ w s = \(summed), −∂NLL = \(-gradient[j])")
            var up = theta, down = theta
            up[j] += h
            down[j] -= h
            let plus = try model.logProb(x, theta: up, device: cpu), minus = try model.logProb(x, theta: down, device: cpu)
            let agreeing = (0..<9000).filter { i in
                let difference = (plus[i] - minus[i]) / (2 * h)
                return abs(scores[i][j] - difference) < 3e-3 + 1e-2 * abs(difference)
            }.count
            #expect(agreeing > 8100, "\(agreeing) of 9000 event scores agree with the difference quotient for θ_\(j)")
        }
        // Not vacuous: the scores vary from event to event.
        #expect(Set(scores.prefix(50).map { ($0[0] * 1e3).rounded() }).count > 10)
    }

    @Test("the extended likelihood's scores add ∂ log ν to the shape's, with 1/μ for the normalisation")
    func extendedScores() throws {
        var rng = TestRandom(seed: 46)
        let x = (0..<300).map { _ in rng.normal() }
        let shape = WeightedGaussianMean(data: x, eventWeights: nil)
        let rate = try RateModel.fit(points: [[-1], [0], [1], [2]], totals: [2, 1, 2, 5], degree: 2, parameterNames: ["mu"])  // 1 + μ²
        let nll = try ExtendedLikelihood(shape: shape, rate: rate, luminosity: 150, observedEvents: 300)
        let theta = [0.5, 1.3]
        let scores = try nll.eventScores(theta)
        for (i, score) in scores.enumerated() {
            #expect(abs(score[0] - ((x[i] - 0.5) + 2 * 0.5 / 1.25)) < 1e-9)
            #expect(abs(score[1] - 1 / 1.3) < 1e-12)
        }
        #expect(abs(try nll.expectedEvents(theta) - 1.3 * 150 * 1.25) < 1e-9)
    }
}
