import FoundationEssentials
import Testing
import GMMTestSupport
@testable import GMMKit
import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Ensembles of density models: the mean density, its sampler, the file format, the ensemble
/// likelihood and the model term.
@Suite struct DensityEnsembleTests {
    let cpu = CPUDevice()

    /// One continuous observable on [0, 10] whose distribution shifts with θ ∈ {−1, 0, 1}.
    static func oneDimensional() throws -> (ModelConfig, Events) {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10)], parameters: ["t"], reference: [0], epochs: 2)
        return (config, try TestModels.events(count: 1200, observables: ["x0"], conditional: true))
    }

    @Test("a bootstrap ensemble's mean density integrates to one in the data space, and its samples follow it (KS)")
    func densityAndSamples() throws {
        let (config, events) = try Self.oneDimensional()
        let ensemble = try DensityEnsemble.fit(events, config: config, count: 3, bootstrap: true, device: cpu)
        #expect(ensemble.count == 3 && ensemble.bootstrap)
        // Bootstrap members have their own projections: the members differ.
        #expect(ensemble.members[1].projections[0]?.table != ensemble.members[0].projections[0]?.table)
        let (nodes, weights) = gaussLegendreGrid(evenlySpaced(0, 10, count: 2000))
        let theta = [0.4]
        let logp = try ensemble.logProb(nodes, theta: theta, device: cpu)
        let integral = zip(logp, weights).reduce(0) { $0 + exp($1.0) * $1.1 }
        #expect(abs(integral - 1) < 1e-3, "∫ p dx = \(integral)")
        // The CDF from the same quadrature (nodes in increasing order); the sampler's events against it.
        let order = nodes.indices.sorted { nodes[$0] < nodes[$1] }
        let sortedNodes = order.map { nodes[$0] }
        var cumulative = [0.0]
        for i in order { cumulative.append(cumulative[cumulative.count - 1] + exp(logp[i]) * weights[i]) }
        func cdf(_ x: Double) -> Double {
            var lo = 0, hi = sortedNodes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sortedNodes[mid] <= x { lo = mid + 1 } else { hi = mid }
            }
            return cumulative[lo] / cumulative[cumulative.count - 1]
        }
        let samples = try ensemble.sample(count: 4000, theta: theta, seed: 9, device: cpu)
        #expect(samples.count == 4000)
        let d = kolmogorovSmirnov(samples, cdf: cdf)
        #expect(d < kolmogorovSmirnovCritical1Percent(n: 4000), "KS \(d)")
        #expect(try ensemble.sample(count: 100, theta: theta, seed: 9, device: cpu) == Array(try ensemble.sample(count: 100, theta: theta, seed: 9, device: cpu)))
    }

    @Test("one member is the plain model: the same weights, log-densities and likelihood")
    func oneMember() throws {
        let (config, events) = try Self.oneDimensional()
        let plain = try DensityModel(config: config).fit(events, device: cpu)
        let ensemble = try DensityEnsemble.fit(events, config: config, count: 1, bootstrap: false, device: cpu)
        #expect(ensemble.members[0].parameters == plain.parameters)
        let x = Array(events.x.prefix(200))
        #expect(try ensemble.logProb(x, theta: [0.3], device: cpu) == plain.logProb(x, theta: [0.3], device: cpu))
        let single = try ModelLikelihood(model: plain, data: x, device: cpu)
        let combined = try EnsembleLikelihood(ensemble: ensemble, data: x, device: cpu)
        #expect(try combined.value([0.2]) == single.value([0.2]))
        // Member 0 of a larger ensemble is the plain model too.
        let three = try DensityEnsemble.fit(events, config: config, count: 3, bootstrap: true, device: cpu)
        #expect(three.members[0].parameters == plain.parameters && three.members[1].parameters != plain.parameters)
    }

    @Test("K copies of one member: the ensemble density and likelihood are the member's, the model term is zero")
    func copies() throws {
        let (config, events) = try Self.oneDimensional()
        let member = try DensityModel(config: config).fit(events, device: cpu)
        let ensemble = try DensityEnsemble(members: [member, member, member], bootstrap: false)
        let x = Array(events.x.prefix(300))
        let a = try ensemble.logProb(x, theta: [-0.5], device: cpu), b = try member.logProb(x, theta: [-0.5], device: cpu)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 })
        let combined = try EnsembleLikelihood(ensemble: ensemble, data: x, device: cpu)
        let single = try ModelLikelihood(model: member, data: x, device: cpu)
        #expect(abs(try combined.value([0.1]) - single.value([0.1])) < 1e-9 * abs(try single.value([0.1])))
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "t", lower: -1, upper: 1)])
        let result = try fit.fit(combined)
        let term = try fit.modelUncertainty(combined.members, result: result)
        #expect(term.errors == [0])
        #expect(term.memberValues.allSatisfy { $0 == term.memberValues[0] })
        let interval = try #require(try fit.minos(combined, result: result).first)
        #expect(term.including(interval, index: 0) == interval)
        #expect(DensityEnsemble.memberSpread(try ensemble.memberLogProbs(x, theta: [0], device: cpu)).allSatisfy { $0 < 1e-12 })
    }

    @Test("the ensemble likelihood's gradient matches finite differences; the model term widens intervals in quadrature")
    func likelihoodGradientAndModelTerm() throws {
        let (config, events) = try Self.oneDimensional()
        let ensemble = try DensityEnsemble.fit(events, config: config, count: 3, bootstrap: true, device: cpu)
        let x = Array(events.x.prefix(400))
        let nll = try EnsembleLikelihood(ensemble: ensemble, data: x, device: cpu)
        let (value, gradient) = try nll.valueAndGradient([0.25])
        let h = 1e-3
        let numeric = (try nll.value([0.25 + h]) - nll.value([0.25 - h])) / (2 * h)
        #expect(abs(numeric - gradient[0]) < 0.02 * max(1, abs(gradient[0])), "∂/∂t \(gradient[0]) vs \(numeric)")
        #expect(abs(value - (try nll.values([[0.25]])[0])) < 1e-9 * abs(value))
        let scores = try nll.eventScores([0.25])
        #expect(abs(-scores.reduce(0) { $0 + $1[0] } - gradient[0]) < 1e-6 * max(1, abs(gradient[0])))
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "t", lower: -1, upper: 1)])
        let result = try fit.fit(nll)
        let term = try fit.modelUncertainty(nll.members, result: result)
        #expect(term.memberValues.count == 3 && term.errors[0] > 0)
        let interval = try #require(try fit.minos(nll, result: result).first)
        let widened = term.including(interval, index: 0, lower: -1, upper: 1)
        let m = term.errors[0]
        #expect(abs(widened.upperError - min(1 - interval.value, (interval.upperError * interval.upperError + m * m).squareRoot())) < 1e-12)
        #expect(widened.lower <= interval.lower && widened.upper >= interval.upper)
    }

    @Test("save and load: members and their seeds come back; a plain directory loads as one member; a replaced member is refused")
    func files() throws {
        let (config, events) = try Self.oneDimensional()
        let ensemble = try DensityEnsemble.fit(events, config: config, count: 2, bootstrap: false, device: cpu)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try ensemble.save(to: directory.path)
        #expect(DensityEnsemble.isEnsemble(directory.path))
        let loaded = try DensityEnsemble.load(from: directory.path)
        #expect(loaded.count == 2 && !loaded.bootstrap)
        #expect(loaded.members.map(\.parameters) == ensemble.members.map(\.parameters))
        #expect(loaded.members.map(\.config.training.seed) == [config.training.seed, config.training.seed + 1])
        // One model is asked for: the message names the members.
        let error = #expect(throws: ModelFileError.self) { try DensityModel.load(from: directory.path) }
        #expect(error?.description.contains("members/0") ?? false)
        let plain = try DensityEnsemble.load(from: directory.file("members/1"))
        #expect(plain.count == 1 && plain.members[0].parameters == ensemble.members[1].parameters)
        // A member of another training put in place of member 1.
        let other = try DensityModel(config: { var c = config; c.training.seed = 99; return c }()).fit(events, device: cpu)
        try other.save(to: directory.file("members/1"))
        #expect(throws: ModelFileError.self) { try DensityEnsemble.load(from: directory.path) }
    }
}
