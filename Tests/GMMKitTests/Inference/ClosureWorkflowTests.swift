import Testing
@testable import GMMKit
import GMMCompute

/// The `study closure` workflow as a library call: its outcome is the ``ClosureStudy`` of the
/// methods it builds (the model, the binned fit, the null model), and it refuses what it cannot
/// run before any long step.
@Suite struct ClosureWorkflowTests {
    let cpu = CPUDevice()

    /// The held-out sample at t = 0: independent events of the test generator.
    static func heldOut() throws -> [ClosureStudy.Sample] {
        let events = try TestModels.events(count: 900, observables: ["x0"], conditional: true, seed: 99)
        return try ClosureWorkflow.samples(from: events, label: "held", parameterNames: ["t"]).filter { $0.trueTheta == [0] }
    }

    @Test("model, binned fit and a given null model: the outcome is the study of those three methods, with progress in order")
    func composesTheStudy() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let other = try DensityModel(config: config).fit(ClosureStudy.permutingTheta(events, seed: 5), device: cpu)
        let samples = try Self.heldOut()
        #expect(samples.count == 1 && samples[0].count == 300 && samples[0].label == "held@t=0.0")
        let parameters = try ParameterInference.parameters(of: model)
        let settings = ClosureStudy.Settings(events: 100, maxSubsets: 2, confidenceLevels: [Wilks.oneSigma], seed: 3, minos: false)
        let workflow = ClosureWorkflow(settings: settings, parameters: parameters, binned: .init(observable: "x0", bins: 5, degree: 1), null: .model(other))
        var told: [String] = []
        let outcome = try workflow.run(try DensityEnsemble(members: [model], bootstrap: false), samples: samples, training: events, device: cpu) { step in
            switch step {
            case .binnedTemplates(let name, let bins, let degree, let n): told.append("binned \(name) \(bins) \(degree) \(n)")
            case .nullTraining: told.append("null training")
            case .nullEpoch: break
            case .fitting(let subsets, let methods): told.append("fitting \(subsets) \(methods.joined(separator: ","))")
            case .fitted(let done, let total, _): told.append("fitted \(done)/\(total)")
            }
        }
        #expect(told == ["binned x0 5 1 1200", "fitting 2 model,binned x0,null model", "fitted 1/2", "fitted 2/2"])
        #expect(outcome.trainedNullModel == nil)
        // The same study, its methods built by hand.
        let templates = try BinnedTemplates.fit(events: events, observable: 0, name: "x0", parameterNames: ["t"], bins: 5, degree: 1)
        let direct = try ClosureStudy(settings: settings, fit: MaximumLikelihoodFit(parameters: parameters)).run(samples: samples, methods: [
            ClosureStudy.Method(name: "model") { try ModelLikelihood(model: model, data: $0, device: self.cpu, space: .latent) },
            ClosureStudy.Method(name: "binned x0") { try BinnedTemplateLikelihood(templates: templates, values: $0) },
            ClosureStudy.Method(name: "null model") { try ModelLikelihood(model: other, data: $0, device: self.cpu, space: .latent) },
        ])
        #expect(outcome.result == direct)
        #expect(outcome.result.methods.allSatisfy { $0.samples[0].fitCount == 2 })
    }

    @Test("a null model to train is trained on θ-permuted events of the same description and returned for saving")
    func trainsTheNullModel() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let workflow = ClosureWorkflow(settings: .init(events: 150, maxSubsets: 1, confidenceLevels: [Wilks.oneSigma], seed: 3, minos: false),
                                       parameters: try ParameterInference.parameters(of: model), null: .train(timeLimit: nil))
        var epochs = 0
        let outcome = try workflow.run(try DensityEnsemble(members: [model], bootstrap: false), samples: try Self.heldOut(), training: events, device: cpu) { step in
            if case .nullEpoch = step { epochs += 1 }
        }
        let null = try #require(outcome.trainedNullModel)
        #expect(epochs == config.training.maxEpochs && null.config == config)
        // It is the model `fit` gives on the permuted events (the CPU path is reproducible).
        let direct = try DensityModel(config: config).fit(ClosureStudy.permutingTheta(events, seed: 3), device: cpu)
        let x = Array(events.x.prefix(50))
        #expect(try null.logProb(x, theta: [0.5], device: cpu) == direct.logProb(x, theta: [0.5], device: cpu))
        #expect(outcome.result.methods.map(\.name) == ["model", "null model"])
    }

    @Test("refusals before any long step: weighted held-out events, an unknown binned observable, no training events, a null model of another description, a small sample")
    func refusals() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let ensemble = try DensityEnsemble(members: [model], bootstrap: false)
        let parameters = try ParameterInference.parameters(of: model)
        let samples = try Self.heldOut()
        let weighted = try Events(x: events.x, theta: events.theta, weights: [Double](repeating: 2, count: events.count), observables: 1, parameters: 1)
        #expect(throws: InferenceError.self) { try ClosureWorkflow.samples(from: weighted, label: "w", parameterNames: ["t"]) }
        let settings = ClosureStudy.Settings(events: 100, maxSubsets: 1, confidenceLevels: [Wilks.oneSigma], minos: false)
        func refused(_ workflow: ClosureWorkflow, samples: [ClosureStudy.Sample], training: Events?) -> String {
            do {
                _ = try workflow.run(ensemble, samples: samples, training: training, device: cpu) { step in
                    if case .nullTraining = step { Issue.record("trained before refusing") }
                }
                return ""
            } catch { return "\(error)" }
        }
        #expect(refused(ClosureWorkflow(settings: settings, parameters: parameters, binned: .init(observable: "x9")), samples: samples, training: events)
            .contains("no observable 'x9'"))
        #expect(refused(ClosureWorkflow(settings: settings, parameters: parameters, null: .train(timeLimit: nil)), samples: samples, training: nil)
            .contains("training events for the null model"))
        let twoD = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)], parameters: ["t"], reference: [0], epochs: 1)
        let otherModel = try DensityModel(config: twoD).fit(try TestModels.events(count: 300, observables: ["x0", "x1"], conditional: true), device: cpu)
        #expect(refused(ClosureWorkflow(settings: settings, parameters: parameters, null: .model(otherModel)), samples: samples, training: events)
            .contains("null model"))
        var big = settings
        big.events = 400
        #expect(refused(ClosureWorkflow(settings: big, parameters: parameters, null: .train(timeLimit: nil)), samples: samples, training: events)
            .contains("fewer than one subset of --events 400"))
    }
}
