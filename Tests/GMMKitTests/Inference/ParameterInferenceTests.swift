import Testing
@testable import GMMKit
import GMMCompute

/// The `infer` workflow as a library call: its outcome is the composition of the fit, MINOS, the
/// model term, the weighted covariance and the scan it is made of.
@Suite struct ParameterInferenceTests {
    let cpu = CPUDevice()

    @Test("one model: the grid-start MLE and MINOS of the fit itself; a 1-D scan whose Wilks interval agrees with MINOS")
    func oneModelWithScan() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let x = Array(events.x.prefix(400))
        let parameters = try ParameterInference.parameters(of: model)
        #expect(parameters.map(\.name) == ["t"] && parameters[0].lower == -1 && parameters[0].upper == 1)
        var told: [String] = []
        let inference = ParameterInference(parameters: parameters, confidenceLevels: [Wilks.oneSigma],
                                           scan: .init(parameters: ["t"], points: [41], width: 4))
        let outcome = try inference.run(try DensityEnsemble(members: [model], bootstrap: false), data: x, device: cpu) { event in
            switch event {
            case .fitting: told.append("fitting")
            case .found: told.append("found")
            case .interval: told.append("interval")
            case .scanning: told.append("scanning")
            case .scanned: break
            }
        }
        #expect(told == ["fitting", "found", "interval", "scanning"])
        let nll = try ModelLikelihood(model: model, data: x, device: cpu)
        let fit = MaximumLikelihoodFit(parameters: parameters)
        let direct = try fit.fitFromGrid(nll)
        #expect(outcome.events == 400 && outcome.fit == direct && outcome.modelTerm == nil && outcome.weightedErrors == nil)
        let minos = try #require(try fit.minos(nll, result: direct).first)
        #expect(outcome.minos == [[minos]] && outcome.quotedIntervals == [[minos]])
        guard case let .oneDimensional(scan, bounds)? = outcome.scan else { Issue.record("no 1-D scan"); return }
        #expect(scan.values.count == 41 && bounds.count == 1 && abs(bounds[0].threshold - 1) < 1e-12)
        let interval = try #require(bounds[0].interval)
        // The scan's grid spacing is 8 Hesse errors / 40; its linear interpolation agrees to a fraction of it.
        let spacing = 8 * direct.errors[0] / 40
        #expect(abs(interval.lower - minos.lower) < spacing && abs(interval.upper - minos.upper) < spacing, "scan \(interval) vs MINOS \(minos)")
        let (values, axes, regions) = try #require(outcome.scan).records()
        #expect(values.shape == [41] && axes.parameters == ["t"] && regions.first?.interval == [interval.lower, interval.upper])
    }

    @Test("an ensemble gets its model term and widened intervals; weights get the corrected covariance; bad requests are refused")
    func ensembleWeightsAndRefusals() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let ensemble = try DensityEnsemble.fit(events, config: config, count: 3, bootstrap: true, device: cpu)
        let x = Array(events.x.prefix(300))
        let parameters = try ParameterInference.parameters(of: ensemble.members[0])
        let outcome = try ParameterInference(parameters: parameters).run(ensemble, data: x, weights: [Double](repeating: 2, count: 300), device: cpu)
        let term = try #require(outcome.modelTerm)
        #expect(term.members == 3 && term.bootstrap && term.uncertainty.memberValues.count == 3)
        let minos = try #require(outcome.minos.first?.first), widened = try #require(term.intervals.first?.first)
        #expect(widened == term.uncertainty.including(minos, index: 0, lower: -1, upper: 1) && outcome.quotedIntervals == term.intervals)
        let corrected = try #require(outcome.weightedErrors)
        #expect(abs(corrected.effectiveEvents - 300) < 1e-9)

        let model = try DensityEnsemble(members: [ensemble.members[0]], bootstrap: false)
        #expect(throws: InferenceError.self) {
            try ParameterInference(parameters: [FitParameter(name: "u", lower: -1, upper: 1)]).run(model, data: x, device: cpu)
        }
        var fixed = parameters
        fixed[0].fixedValue = 0
        #expect(throws: InferenceError.self) {
            try ParameterInference(parameters: fixed, scan: .init(parameters: ["t"], points: [5], width: 2)).run(model, data: x, device: cpu)
        }
    }
}
