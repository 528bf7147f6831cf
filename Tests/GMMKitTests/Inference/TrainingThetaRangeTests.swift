import Testing
@testable import GMMKit

@Suite struct TrainingThetaRangeTests {
    @Test("the training θ range is the training events' range; values outside it, and only those, are warned about")
    func rangesAndWarnings() throws {
        let cpu = try Devices.open("cpu")
        let model = try InferenceFixtures.toyModel(epochs: 0, device: cpu)  // trained on the 3 × 3 grid over [-1, 1]²
        for range in model.trainingThetaRanges {
            #expect(abs(range.lowerBound + 1) < 1e-12 && abs(range.upperBound - 1) < 1e-12)
        }
        #expect(model.extrapolationWarnings(theta: [1, -1, 0, 0.3, -1, 1]).isEmpty)
        let warnings = model.extrapolationWarnings(theta: [0.2, 1.7, 0.1, 2.4, -1.6, 0])
        #expect(warnings.count == 2)
        #expect(warnings[0].contains("cx = -1.6") && warnings[0].contains("[-1.0, 1.0]"), "\(warnings)")
        #expect(warnings[1].contains("cy = 2.4"), "the farthest value is named: \(warnings)")
    }
}
