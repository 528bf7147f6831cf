import Testing
@testable import GMMKit
import GMMCompute

/// The `study calibration` workflow as a library call: its result is the ``CoverageCalibration``
/// of the model's own pseudo-datasets, and it refuses a true θ where the fits do not run.
@Suite struct CalibrationStudyTests {
    let cpu = CPUDevice()

    @Test("the result is the coverage calibration of the model's pseudo-datasets; progress in order; the figure has the t and pull panels")
    func composesTheCalibration() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let parameters = try ParameterInference.parameters(of: model)
        let study = CalibrationStudy(trueTheta: [0.2], parameters: parameters, events: 150, pseudoDatasets: 4, confidenceLevels: [Wilks.oneSigma], seed: 7)
        var told: [String] = []
        let result = try study.run(model, device: cpu) { step in
            switch step {
            case .drawing: told.append("drawing")
            case .fitting(let names): told.append("fitting \(names.joined(separator: ","))")
            case .fitted(let done, let total): told.append("\(done)/\(total)")
            }
        }
        // Drawn, then fitted, counting up to every pseudo-dataset.
        #expect(Array(told.prefix(2)) == ["drawing", "fitting t"] && told.last == "4/4")
        #expect(told.dropFirst(2).allSatisfy { $0.hasSuffix("/4") })
        let datasets = try PseudoDatasets.model(model, theta: [0.2], events: 150, count: 4, seed: 7, device: cpu)
        let direct = try CoverageCalibration(trueTheta: [0.2], fit: MaximumLikelihoodFit(parameters: parameters), confidenceLevels: [Wilks.oneSigma],
                                             gridStartPoints: MaximumLikelihoodFit.startGridPointsPerAxis(freeParameters: 1))
            .run(datasets: datasets, likelihood: { try ModelLikelihood(model: model, data: $0, device: self.cpu, space: .latent) })
        #expect(result == direct && result.fits.count + result.failedFits == 4)
        let svg = try result.figure().svg
        #expect(svg.contains("pulls of t") && svg.contains("68.3% threshold"))
        let record = CalibrationFile(model: "m", study: study, result: result)
        #expect(record.events == 150 && record.pseudoDatasets == 4 && record.seed == 7 && record.formatVersion == 1)
    }

    @Test("refusals: a true θ outside the fit range or of the wrong length, every parameter fixed, too few pseudo-datasets")
    func refusals() throws {
        let (config, events) = try DensityEnsembleTests.oneDimensional()
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let parameters = try ParameterInference.parameters(of: model)
        func message(_ study: CalibrationStudy) -> String {
            do { _ = try study.run(model, device: cpu); return "" } catch { return "\(error)" }
        }
        #expect(message(CalibrationStudy(trueTheta: [3], parameters: parameters)).contains("outside the model's training range"))
        #expect(message(CalibrationStudy(trueTheta: [0, 1], parameters: parameters)).contains("true θ"))
        var fixed = parameters
        fixed[0].fixedValue = 0
        #expect(message(CalibrationStudy(trueTheta: [0], parameters: fixed)).contains("every parameter is fixed"))
        #expect(message(CalibrationStudy(trueTheta: [0], parameters: parameters, pseudoDatasets: 1)).contains("pseudo-datasets"))
    }
}
