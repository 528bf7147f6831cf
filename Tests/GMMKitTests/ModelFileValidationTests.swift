import Foundation
import Testing
import GMMTestSupport
@testable import GMMKit
import GMMCompute

/// model.json fields that shape the computation are checked on loading: a file edited by hand
/// (or damaged) is refused with the field named, never evaluated silently wrong.
@Suite struct ModelFileValidationTests {
    /// A saved two-observable conditional model and its model.json as a JSON object.
    static func saved() throws -> (TemporaryDirectory, [String: Any]) {
        let events = try TestModels.events(count: 900, observables: ["x0", "x1"], conditional: true)
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 1)
        let model = try DensityModel(config: config).prepared(on: events)
        let directory = try TemporaryDirectory()
        _ = try model.save(to: directory.path)
        let object = try JSONSerialization.jsonObject(with: Data(try directory.read("model.json"))) as? [String: Any]
        return (directory, try #require(object))
    }

    static func write(_ object: [String: Any], to directory: TemporaryDirectory) throws {
        try directory.write([UInt8](try JSONSerialization.data(withJSONObject: object)), to: "model.json")
    }

    @Test("a zero parameter scale (which cuts the networks off from θ) is refused, naming parameter_scaling and the parameter")
    func parameterScaling() throws {
        let (directory, original) = try Self.saved()
        defer { directory.remove() }
        _ = try DensityModel.load(from: directory.path)
        for scale: Double in [0] {
            var object = original
            var scaling = try #require(object["parameter_scaling"] as? [[String: Any]])
            scaling[0]["scale"] = scale
            object["parameter_scaling"] = scaling
            try Self.write(object, to: directory)
            let error = #expect(throws: ModelFileError.self) { try DensityModel.load(from: directory.path) }
            #expect(error?.description.contains("parameter_scaling[0] (t)") ?? false, "\(String(describing: error))")
        }
    }

    @Test("a projection that is not the config's observable (name or bounds) is refused")
    func projectionMatchesConfig() throws {
        let (directory, original) = try Self.saved()
        defer { directory.remove() }
        var projections = try #require(original["projections"] as? [[String: Any]])
        projections.swapAt(0, 1)
        var object = original
        object["projections"] = projections
        try Self.write(object, to: directory)
        let error = #expect(throws: ModelFileError.self) { try DensityModel.load(from: directory.path) }
        #expect(error?.description.contains("projections[0] is for 'x1'") ?? false, "\(String(describing: error))")
    }

    @Test("a diverged epoch's non-finite loss is saved as null and loads as NaN: the model is written all the same")
    func nonFiniteLossInHistory() throws {
        let events = try TestModels.events(count: 900, observables: ["x0"], conditional: true)
        var model = try DensityModel(config: TestModels.config([TestModels.continuous("x0", 0, 10)], parameters: ["t"], reference: [0], epochs: 1))
            .prepared(on: events)
        model.history.epochs = [TrainingHistory.Epoch(epoch: 1, trainingLoss: 2.5, validationLoss: 2.6, learningRate: 1e-3, seconds: 1),
                                TrainingHistory.Epoch(epoch: 2, trainingLoss: .infinity, validationLoss: .nan, learningRate: 1e-3, seconds: 1)]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try model.save(to: directory.path)
        #expect(String(decoding: try directory.read("model.json"), as: UTF8.self).contains("null"))
        let loaded = try DensityModel.load(from: directory.path)
        #expect(loaded.history.epochs.count == 2 && loaded.history.epochs[0] == model.history.epochs[0])
        #expect(loaded.history.epochs[1].trainingLoss.isNaN && loaded.history.epochs[1].validationLoss.isNaN)
        #expect(loaded.parameters == model.parameters)
    }
}
