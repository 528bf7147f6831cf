#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import GMMCompute

/// What a training run saves after every epoch to be resumed, as one file written in one
/// atomic step, `<directory>/checkpoint/checkpoint.safetensors`: the weights, Adam moments and
/// best weights as tensors, and in its metadata the run's state (epoch, step, learning rate,
/// best losses, history; key `state`) and what defines the run (``TrainingRun``; key `run`).
///
/// The file replaces the previous checkpoint only once it is complete on disk (a temporary
/// file renamed over it), so a run killed at any moment leaves the previous epoch's checkpoint
/// or this one, never a mixture; `--resume` refuses a checkpoint of another run.
struct TrainingCheckpoint {
    var state: TrainingState
    var parameters: [Float]
    var firstMoment: [Float]
    var secondMoment: [Float]

    static func folder(_ directory: String) -> String { "\(directory)/checkpoint" }
    static let fileName = "checkpoint.safetensors"
    static func path(_ directory: String) -> String { "\(folder(directory))/\(fileName)" }

    /// Whether `directory` holds a checkpoint (of this format or of the two-file format before it).
    static func exists(in directory: String) -> Bool {
        access(path(directory), F_OK) == 0 || access("\(folder(directory))/state.json", F_OK) == 0
    }

    /// The checkpoint file's bytes, recording `run`.
    func encoded(run: TrainingRun) throws -> [UInt8] {
        let n = parameters.count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let file = SafetensorsFile(tensors: [
            "parameters": try SafetensorsTensor(shape: [n], floats: parameters),
            "first_moment": try SafetensorsTensor(shape: [n], floats: firstMoment),
            "second_moment": try SafetensorsTensor(shape: [n], floats: secondMoment),
            "best_parameters": try SafetensorsTensor(shape: [n], floats: state.bestParameters),
        ], metadata: [
            "format": "gmm-gpu-checkpoint", "format_version": "2",
            "state": String(decoding: try encoder.encode(state), as: UTF8.self),
            "run": String(decoding: try encoder.encode(run), as: UTF8.self),
        ])
        return try file.encoded()
    }

    /// Writes the checkpoint of `run` into `directory/checkpoint/` in one atomic step (the
    /// files of the two-file format, if any, are removed after it).
    func save(to directory: String, run: TrainingRun) throws {
        let folder = Self.folder(directory)
        try makeDirectoryPath(folder)
        try writeFileAtomically(try encoded(run: run), to: Self.path(directory))
        for old in ["state.json", "optimizer.safetensors"] { unlink("\(folder)/\(old)") }
    }

    /// The checkpoint in `directory`, or nil if there is none.
    ///
    /// - Throws: ``ModelFileError`` for an unreadable checkpoint, one of the earlier two-file
    ///   format (it does not record its run), or one saved by a run other than `run`.
    static func load(from directory: String, model: DensityModel, run: TrainingRun) throws -> TrainingCheckpoint? {
        let folder = Self.folder(directory)
        let path = Self.path(directory)
        guard access(path, F_OK) == 0 else {
            if access("\(folder)/state.json", F_OK) == 0 {
                throw ModelFileError.inconsistent(path: "\(folder)/state.json", detail: "a checkpoint of an earlier gmm-gpu, which does not record the run it belongs to, "
                    + "so it cannot be checked against this one; train without --resume, or delete \(folder) to start over")
            }
            return nil
        }
        let file = try SafetensorsFile(bytes: try readWholeFile(path), source: path)
        guard file.metadata["format"] == "gmm-gpu-checkpoint", let stateText = file.metadata["state"], let runText = file.metadata["run"] else {
            throw ModelFileError.notAModel(path: path, detail: "not a training checkpoint: its metadata lacks format, state or run")
        }
        var state: TrainingState
        let saved: TrainingRun
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(stateText.utf8))
            saved = try JSONDecoder().decode(TrainingRun.self, from: Data(runText.utf8))
        } catch {
            throw ModelFileError.notAModel(path: path, detail: "not a training checkpoint: \(error)")
        }
        if let difference = saved.difference(from: run) {
            throw ModelFileError.inconsistent(path: path, detail: "saved by another run (\(difference)); resume with that run's config, data and seed, "
                + "or train without --resume (or delete \(folder)) to start over")
        }
        var arrays: [String: [Float]] = [:]
        for name in ["parameters", "first_moment", "second_moment", "best_parameters"] {
            guard let tensor = file.tensors[name] else { throw ModelFileError.missingTensor(path: path, name: name) }
            guard tensor.shape == [model.parameters.count] else {
                throw ModelFileError.tensorShape(path: path, name: name, expected: [model.parameters.count], got: tensor.shape)
            }
            arrays[name] = tensor.floats
        }
        state.bestParameters = arrays["best_parameters"] ?? []
        return TrainingCheckpoint(state: state, parameters: arrays["parameters"] ?? [], firstMoment: arrays["first_moment"] ?? [],
                                  secondMoment: arrays["second_moment"] ?? [])
    }
}

/// What defines a training run, recorded in its checkpoint so that `--resume` continues only
/// the same run: the seed, the number of events and the SHA-256 of the events (observables,
/// θ and weights as little-endian doubles) and of the model's configuration and projections
/// (the model description with `max_epochs` left out: a resumed run may be given more epochs).
struct TrainingRun: Codable, Equatable {
    var seed: UInt64
    var events: Int
    var eventsSHA256: String
    var modelSHA256: String

    enum CodingKeys: String, CodingKey {
        case seed, events
        case eventsSHA256 = "events_sha256"
        case modelSHA256 = "model_sha256"
    }

    /// The run that trains the prepared `model` on `events`.
    init(model: DensityModel, events: Events) throws {
        seed = model.config.training.seed
        self.events = events.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * (events.x.count + events.theta.count + (events.weights?.count ?? 0)) + 1)
        for array in [events.x, events.theta, events.weights ?? []] {
            for value in array { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        bytes.append(events.weights == nil ? 0 : 1)
        eventsSHA256 = SHA256.hexDigest(bytes)
        var config = model.config
        config.training.maxEpochs = 0
        let description = ModelDescriptionFile(
            format: ModelDescriptionFile.formatName, formatVersion: ModelDescriptionFile.currentVersion, config: config,
            projections: model.projections.map { $0?.table }, parameterScaling: model.parameterScaling, history: TrainingHistory(),
            weightsFile: "", weightsSHA256: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        modelSHA256 = SHA256.hexDigest(Array(try encoder.encode(description)))
    }

    /// What differs between a saved run and `other`, in words; nil for the same run.
    func difference(from other: TrainingRun) -> String? {
        if seed != other.seed { return "its seed is \(seed), this run's \(other.seed)" }
        if events != other.events { return "it trained on \(events) events, this run has \(other.events)" }
        if eventsSHA256 != other.eventsSHA256 { return "it trained on other events (SHA-256 \(eventsSHA256.prefix(12))…, these \(other.eventsSHA256.prefix(12))…)" }
        if modelSHA256 != other.modelSHA256 { return "its model configuration or projections differ from this run's (only max_epochs may change on --resume)" }
        return nil
    }
}
