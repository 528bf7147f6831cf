import FoundationEssentials
import GMMCompute

/// What a training run saves after every epoch to be resumed: its state (epoch, step,
/// learning rate, best losses, history) as JSON and the weights, Adam moments and best
/// weights as safetensors, in `<directory>/checkpoint/`. The state is written last and
/// records the SHA-256 of the tensors file, so a checkpoint left between its two writes is
/// refused instead of resuming one epoch's state with another epoch's weights.
struct TrainingCheckpoint {
    var state: TrainingState
    var parameters: [Float]
    var firstMoment: [Float]
    var secondMoment: [Float]

    static func folder(_ directory: String) -> String { "\(directory)/checkpoint" }

    func save(to directory: String, model: DensityModel) throws {
        let folder = Self.folder(directory)
        try makeDirectoryPath(folder)
        let n = parameters.count
        let file = SafetensorsFile(tensors: [
            "parameters": try SafetensorsTensor(shape: [n], floats: parameters),
            "first_moment": try SafetensorsTensor(shape: [n], floats: firstMoment),
            "second_moment": try SafetensorsTensor(shape: [n], floats: secondMoment),
            "best_parameters": try SafetensorsTensor(shape: [n], floats: state.bestParameters),
        ], metadata: ["format": "gmm-gpu-checkpoint", "format_version": "1"])
        let tensors = try file.encoded()
        try writeFileAtomically(tensors, to: "\(folder)/optimizer.safetensors")
        var state = state
        state.optimizerSHA256 = SHA256.hexDigest(tensors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(try encoder.encode(state), to: "\(folder)/state.json")
    }

    /// The checkpoint in `directory`, or nil if there is none.
    static func load(from directory: String, model: DensityModel) throws -> TrainingCheckpoint? {
        let folder = Self.folder(directory)
        let statePath = "\(folder)/state.json"
        guard let bytes = try? readWholeFile(statePath) else { return nil }
        var state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(bytes))
        } catch {
            throw ModelFileError.notAModel(path: statePath, detail: "not a training checkpoint: \(error)")
        }
        let tensorsPath = "\(folder)/optimizer.safetensors"
        let tensors = try readWholeFile(tensorsPath)
        if let recorded = state.optimizerSHA256, recorded != SHA256.hexDigest(tensors) {
            throw ModelFileError.inconsistent(path: tensorsPath, detail: "not the file \(statePath) was saved with (its SHA-256 differs from the one recorded there): "
                + "the checkpoint was left between two writes; train without --resume, or delete \(folder) to start over")
        }
        let file = try SafetensorsFile(bytes: tensors, source: tensorsPath)
        var arrays: [String: [Float]] = [:]
        for name in ["parameters", "first_moment", "second_moment", "best_parameters"] {
            guard let tensor = file.tensors[name] else { throw ModelFileError.missingTensor(path: tensorsPath, name: name) }
            guard tensor.shape == [model.parameters.count] else {
                throw ModelFileError.tensorShape(path: tensorsPath, name: name, expected: [model.parameters.count], got: tensor.shape)
            }
            arrays[name] = tensor.floats
        }
        state.bestParameters = arrays["best_parameters"] ?? []
        return TrainingCheckpoint(state: state, parameters: arrays["parameters"] ?? [], firstMoment: arrays["first_moment"] ?? [],
                                  secondMoment: arrays["second_moment"] ?? [])
    }
}
