import Testing
@testable import GMMKit

@Suite struct WeightedFitCalibrationTests {
    @Test("pseudo-experiments from a model: unit weights give unit pulls; importance weights widen the Hesse pulls, less so the weight-corrected ones")
    func pullsOfWeightedFits() throws {
        let cpu = try Devices.open("cpu")
        let model = try InferenceFixtures.toyModel(epochs: 2, device: cpu)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "cx", lower: -1.5, upper: 1.5), FitParameter(name: "cy", lower: -1.5, upper: 1.5)])
        let calibration = WeightedFitCalibration(model: model, fit: fit)
        let truth = [0.5, -0.6]
        var seen = 0
        // Drawn at the truth: every weight is 1 and the pulls (central widths, 120 fits: ±8%) are unit normal.
        let plain = try calibration.run(events: 300, pseudoDatasets: 120, proposalTheta: truth, trueTheta: truth, seed: 5, device: cpu) { seen = $0 }
        #expect(seen == 120 && plain.pseudoDatasets >= 110 && abs(plain.meanEffectiveEvents - 300) < 1e-9)
        for j in 0..<2 {
            #expect(abs(plain.weightedPullCentralWidth[j] - 1) < 0.25, "θ_\(j): central pull width \(plain.weightedPullCentralWidth[j])")
            #expect(abs(plain.bias[j]) < 0.5 * plain.spread[j])
        }
        // Drawn at θ0 and weighted to the truth: the Hesse errors of the weighted NLL understate the
        // spread; the weight-corrected errors much less (an analytic Gaussian mean with as few
        // effective events shows the same finite-sample excess: pull width 1.2 against Hesse's 2.3).
        let weighted = try calibration.run(events: 300, pseudoDatasets: 120, proposalTheta: [0.35, -0.45], trueTheta: truth, seed: 6, device: cpu)
        #expect(weighted.meanEffectiveEvents < 280)
        for j in 0..<2 {
            #expect(weighted.hessePullCentralWidth[j] > 1.2, "θ_\(j): Hesse central pull width \(weighted.hessePullCentralWidth[j])")
            #expect(abs(weighted.weightedPullCentralWidth[j] - 1) < 0.7 * abs(weighted.hessePullCentralWidth[j] - 1),
                    "θ_\(j): weighted \(weighted.weightedPullCentralWidth[j]) against Hesse \(weighted.hessePullCentralWidth[j])")
        }
        #expect(throws: InferenceError.self) { try calibration.run(events: 0, pseudoDatasets: 10, proposalTheta: [0, 0], trueTheta: [0, 0], seed: 1, device: cpu) }
        #expect(throws: InferenceError.self) { try calibration.run(events: 10, pseudoDatasets: 10, proposalTheta: [0], trueTheta: [0, 0], seed: 1, device: cpu) }
    }
}
