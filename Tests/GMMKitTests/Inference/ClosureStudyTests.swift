import Testing
@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// Events of a one-parameter Gaussian: x ~ N(θ, 1) per event, [n, 1], and the simulated
/// "training" points for templates.
private func gaussianEvents(theta: Double, count: Int, rng: inout TestRandom) -> [Double] {
    (0..<count).map { _ in theta + rng.normal() }
}

/// −ln L of x ~ N(μ, 1) for a one-column data set: Wilks holds exactly.
private struct OneMeanLikelihood: NegativeLogLikelihood {
    let data: [Double]
    var parameterNames: [String] { ["mu"] }
    func value(_ theta: [Double]) throws -> Double { data.reduce(0) { $0 + 0.5 * ($1 - theta[0]) * ($1 - theta[0]) } }
    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        (try value(theta), [data.reduce(0) { $0 - ($1 - theta[0]) }])
    }
}

@Suite struct ClosureStudyTests {
    @Test("subsets are disjoint, of the asked size, reproducible from the seed, and capped")
    func subsets() {
        let study = ClosureStudy(settings: .init(events: 7, seed: 3), fit: MaximumLikelihoodFit(parameters: [FitParameter(name: "mu")]))
        let cuts = study.subsets(count: 100, sample: 0)
        #expect(cuts.count == 14)
        #expect(cuts.allSatisfy { $0.count == 7 })
        let all = cuts.flatMap { $0 }
        #expect(Set(all).count == all.count)
        #expect(cuts == study.subsets(count: 100, sample: 0))
        #expect(cuts != study.subsets(count: 100, sample: 1))
        var capped = study
        capped.settings.maxSubsets = 3
        #expect(capped.subsets(count: 100, sample: 0) == Array(cuts.prefix(3)))
    }

    @Test("exact Gaussian likelihood: coverage nominal within binomial errors, scatter equals the reported error, MINOS half-width 1/√n")
    func exactGaussian() throws {
        var rng = TestRandom(seed: 5)
        let truth = 0.3
        let sample = ClosureStudy.Sample(label: "gauss", trueTheta: [truth], x: gaussianEvents(theta: truth, count: 600 * 25, rng: &rng), observableCount: 1)
        let study = ClosureStudy(settings: .init(events: 25, seed: 1),
                                 fit: MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -5, upper: 5)]))
        let result = try study.run(samples: [sample], methods: [.init(name: "exact") { OneMeanLikelihood(data: $0) }])
        let summary = result.methods[0].samples[0]
        #expect(summary.fitCount == 600 && summary.failedFits == 0)
        let p = try #require(summary.parameters[0])
        for (c, (level, error)) in zip(p.coverage, zip(result.settings.confidenceLevels, p.coverageErrors)) {
            #expect(abs(c - level) < 3 * error, "coverage \(c) at \(level) ± \(error)")
        }
        // One free parameter: the joint region is the interval.
        #expect(summary.regionCoverage == p.coverage)
        #expect(abs(p.meanError - 0.2) < 1e-3)
        #expect(abs((p.meanHalfWidth ?? 0) - 0.2) < 1e-3)
        #expect(abs((p.scatterOverError ?? 0) - 1) < 0.1, "scatter/error \(p.scatterOverError ?? 0)")
        #expect(abs(p.bias) < 3 * p.biasError)
        // The width against the fit range [−5, 5]: 0.4 / 10.
        #expect(abs((p.meanWidthFraction ?? 0) - 0.04) < 1e-3 && p.wideIntervalFraction == 0)
    }

    @Test("errors too small by a factor 2 show as scatter/error 2 and under-coverage; the width ratio compares two methods")
    func overconfidentMethod() throws {
        var rng = TestRandom(seed: 8)
        let sample = ClosureStudy.Sample(label: "gauss", trueTheta: [0], x: gaussianEvents(theta: 0, count: 300 * 16, rng: &rng), observableCount: 1)
        let study = ClosureStudy(settings: .init(events: 16), fit: MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -5, upper: 5)]))
        // Four times the NLL: the same MLE, errors halved (a model that claims 4× the information).
        struct Overconfident: NegativeLogLikelihood {
            let inner: OneMeanLikelihood
            var parameterNames: [String] { inner.parameterNames }
            func value(_ theta: [Double]) throws -> Double { 4 * (try inner.value(theta)) }
            func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
                let (v, g) = try inner.valueAndGradient(theta)
                return (4 * v, g.map { 4 * $0 })
            }
        }
        let result = try study.run(samples: [sample], methods: [.init(name: "overconfident") { Overconfident(inner: OneMeanLikelihood(data: $0)) },
                                                                .init(name: "exact") { OneMeanLikelihood(data: $0) }])
        let bad = try #require(result.methods[0].samples[0].parameters[0])
        #expect(abs((bad.scatterOverError ?? 0) - 2) < 0.2)
        // P(|z| < 0.5) = 0.383 instead of 0.683.
        #expect(abs(bad.coverage[0] - 0.383) < 3 * (0.383 * 0.617 / 300).squareRoot(), "coverage \(bad.coverage[0])")
        #expect(abs((result.widthRatio(method: 1, parameter: 0, sample: 0) ?? 0) - 0.5) < 1e-3)
    }

    @Test("a method with members gets the model term: their MLE spread, and intervals widened by it cover more")
    func modelTerm() throws {
        var rng = TestRandom(seed: 14)
        let sample = ClosureStudy.Sample(label: "gauss", trueTheta: [0], x: gaussianEvents(theta: 0, count: 200 * 25, rng: &rng), observableCount: 1)
        let study = ClosureStudy(settings: .init(events: 25, minos: false), fit: MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -5, upper: 5)]))
        // An overconfident fit (4× the NLL, errors halved) whose two "members" sit ±0.1 from the data:
        // their MLEs differ by 0.2, a model term of 0.2/√2.
        struct Scaled: NegativeLogLikelihood {
            let data: [Double]
            let shift: Double
            var parameterNames: [String] { ["mu"] }
            func value(_ theta: [Double]) throws -> Double { data.reduce(0) { $0 + 2 * ($1 + shift - theta[0]) * ($1 + shift - theta[0]) } }
            func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
                (try value(theta), [data.reduce(0) { $0 - 4 * ($1 + shift - theta[0]) }])
            }
        }
        let method = ClosureStudy.Method(name: "ensemble", likelihood: { Scaled(data: $0, shift: 0) },
                                         members: { nll in [Scaled(data: (nll as! Scaled).data, shift: 0.1), Scaled(data: (nll as! Scaled).data, shift: -0.1)] })
        let result = try study.run(samples: [sample], methods: [method])
        let p = try #require(result.methods[0].samples[0].parameters[0])
        #expect(abs((p.meanModelError ?? 0) - 0.2 / 2.0.squareRoot()) < 1e-6)
        let fit = try #require(result.methods[0].samples[0].fits.first)
        #expect(fit.modelErrors?.count == 1)
        let widened = try #require(p.coverageWithModelTerm)
        // σ = 0.1 (halved from 0.2): widened to √(0.01 + 0.02) = 0.173 against a true 0.2.
        #expect(widened[0] > p.coverage[0] + 0.1, "coverage \(p.coverage[0]) → \(widened[0])")
        #expect(abs((p.scatterOverTotalError ?? 0) - 0.2 / 0.03.squareRoot()) < 0.15)
    }

    @Test("closure of the Appendix-A toy's exact density: coverage nominal within binomial errors in both parameters")
    func exactToy() throws {
        let truth = [0.8, -0.6]
        let x = try InferenceFixtures.toyEvents(count: 160 * 150, cx: truth[0], cy: truth[1], seed: 12)
        let sample = ClosureStudy.Sample(label: "toy", trueTheta: truth, x: x, observableCount: 4)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "cx", lower: -1.5, upper: 1.5), FitParameter(name: "cy", lower: -1.5, upper: 1.5)])
        let study = ClosureStudy(settings: .init(events: 150, minos: false), fit: fit)
        let result = try study.run(samples: [sample], methods: [.init(name: "truth") { try ExactToyLikelihood(data: $0) }])
        let summary = result.methods[0].samples[0]
        #expect(summary.fitCount == 160)
        for j in 0..<2 {
            let p = try #require(summary.parameters[j])
            for (c, (level, error)) in zip(p.coverage, zip(result.settings.confidenceLevels, p.coverageErrors)) {
                #expect(abs(c - level) < 3 * error, "\(["cx", "cy"][j]): coverage \(c) at \(level) ± \(error)")
            }
            #expect(p.meanHalfWidth == nil)
        }
        for (c, level) in zip(summary.regionCoverage, result.settings.confidenceLevels) {
            #expect(abs(c - level) < 3 * (level * (1 - level) / 160).squareRoot(), "joint region coverage \(c) at \(level)")
        }
    }

    @Test("bad settings: a sample smaller than one subset, a true θ outside the fit range, no method")
    func badSettings() throws {
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -1, upper: 1)])
        let study = ClosureStudy(settings: .init(events: 50), fit: fit)
        let method = ClosureStudy.Method(name: "exact") { OneMeanLikelihood(data: $0) }
        let small = ClosureStudy.Sample(label: "small", trueTheta: [0], x: [Double](repeating: 0.1, count: 49), observableCount: 1)
        #expect(throws: InferenceError.self) { try study.run(samples: [small], methods: [method]) }
        let outside = ClosureStudy.Sample(label: "outside", trueTheta: [2], x: [Double](repeating: 0.1, count: 100), observableCount: 1)
        #expect(throws: InferenceError.self) { try study.run(samples: [outside], methods: [method]) }
        let fine = ClosureStudy.Sample(label: "fine", trueTheta: [0], x: [Double](repeating: 0.1, count: 100), observableCount: 1)
        #expect(throws: InferenceError.self) { try study.run(samples: [fine], methods: []) }
        #expect(throws: InferenceError.self) { try ClosureStudy(settings: .init(events: 0), fit: fit).run(samples: [fine], methods: [method]) }
    }

    @Test("samples(from:) splits events by θ point; permutingTheta keeps the events and the multiset of θ")
    func samplesAndPermutation() throws {
        let events = try Events(x: [1, 2, 3, 4, 5, 6], theta: [0, 1, 0, 1, 2, 1], observables: 1, parameters: 1)
        let samples = ClosureStudy.samples(from: events, label: "f", parameterNames: ["a"])
        #expect(samples.map(\.trueTheta) == [[0], [1], [2]])
        #expect(samples.map(\.x) == [[1, 3], [2, 4, 6], [5]])
        #expect(samples[1].label == "f@a=1.0")
        let permuted = ClosureStudy.permutingTheta(events, seed: 4)
        #expect(permuted.x == events.x)
        #expect(permuted.theta.sorted() == events.theta.sorted())
        #expect(permuted.theta != events.theta)
        #expect(ClosureStudy.permutingTheta(events, seed: 4).theta == permuted.theta)
    }
}

@Suite struct BinnedTemplateTests {
    /// Templates of x ~ N(θ, 1) from 20,000 events at each of θ = −1, −0.5, …, 1.
    static func gaussianTemplates(bins: Int = 20, degree: Int = 2) throws -> BinnedTemplates {
        var rng = TestRandom(seed: 31)
        var x: [Double] = [], theta: [Double] = []
        for point in stride(from: -1.0, through: 1.0, by: 0.5) {
            x += gaussianEvents(theta: point, count: 20_000, rng: &rng)
            theta += [Double](repeating: point, count: 20_000)
        }
        let events = try Events(x: x, theta: theta, observables: 1, parameters: 1)
        return try BinnedTemplates.fit(events: events, observable: 0, name: "x", parameterNames: ["mu"], bins: bins, degree: degree)
    }

    @Test("bin probabilities sum to one; their gradient and the likelihood's agree with finite differences; bins follow the edges")
    func probabilitiesAndGradient() throws {
        let templates = try Self.gaussianTemplates()
        #expect(templates.binCount == 20)
        #expect(templates.edges.first == -.infinity && templates.edges.last == .infinity)
        #expect(templates.bin(of: -100) == 0 && templates.bin(of: 100) == 19)
        for b in 1..<templates.binCount { #expect(templates.bin(of: templates.edges[b]) == b && templates.bin(of: templates.edges[b].nextDown) == b - 1) }
        for theta in [-0.7, 0.0, 0.45] {
            let (p, g) = templates.probabilities([theta])
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            let h = 1e-6
            let (up, _) = templates.probabilities([theta + h]), (down, _) = templates.probabilities([theta - h])
            for b in p.indices { #expect(abs((up[b] - down[b]) / (2 * h) - g[b][0]) < 1e-6) }
        }
        var rng = TestRandom(seed: 2)
        let nll = try BinnedTemplateLikelihood(templates: templates, values: gaussianEvents(theta: 0.2, count: 500, rng: &rng))
        #expect(nll.counts.reduce(0, +) == 500)
        let (v, g) = try nll.valueAndGradient([0.1])
        let h = 1e-6
        #expect(abs((try nll.value([0.1 + h]) - nll.value([0.1 - h])) / (2 * h) - g[0]) < 1e-4 * max(1, abs(g[0])))
        #expect(v.isFinite)
    }

    @Test("binned closure of a Gaussian mean between the template points: coverage nominal within binomial errors, errors a little above 1/√n")
    func binnedClosure() throws {
        let templates = try Self.gaussianTemplates()
        var rng = TestRandom(seed: 17)
        let truth = 0.3
        let sample = ClosureStudy.Sample(label: "gauss", trueTheta: [truth], x: gaussianEvents(theta: truth, count: 400 * 100, rng: &rng), observableCount: 1)
        let study = ClosureStudy(settings: .init(events: 100), fit: MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -1, upper: 1)]))
        let result = try study.run(samples: [sample], methods: [.init(name: "binned") { try BinnedTemplateLikelihood(templates: templates, values: $0) }])
        let p = try #require(result.methods[0].samples[0].parameters[0])
        for (c, (level, error)) in zip(p.coverage, zip(result.settings.confidenceLevels, p.coverageErrors)) {
            #expect(abs(c - level) < 3 * error, "coverage \(c) at \(level) ± \(error)")
        }
        // Binning loses a little information: the error is just above the unbinned 0.1.
        #expect(p.meanError > 0.1 && p.meanError < 0.115, "binned error \(p.meanError)")
        #expect(abs((p.scatterOverError ?? 0) - 1) < 0.15)
    }

    @Test("bad input: fewer than 2 bins, too few points for the degree, non-finite data")
    func badInput() throws {
        let events = try Events(x: [1, 2, 3, 4], theta: [0, 0, 1, 1], observables: 1, parameters: 1)
        #expect(throws: InferenceError.self) { try BinnedTemplates.fit(events: events, observable: 0, name: "x", parameterNames: ["a"], bins: 1) }
        #expect(throws: InferenceError.self) { try BinnedTemplates.fit(events: events, observable: 0, name: "x", parameterNames: ["a"], bins: 2, degree: 2) }
        let templates = try BinnedTemplates.fit(events: events, observable: 0, name: "x", parameterNames: ["a"], bins: 2, degree: 1)
        #expect(throws: InferenceError.self) { try BinnedTemplateLikelihood(templates: templates, values: [1, .nan]) }
        #expect(throws: InferenceError.self) { try BinnedTemplateLikelihood(templates: templates, values: []) }
    }
}
