import FoundationEssentials
import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The JSON part of a model directory (`model.json`).
struct ModelDescriptionFile: Codable {
    static let formatName = "gmm-gpu-model"
    static let currentVersion = 1

    var format: String
    var formatVersion: Int
    var config: ModelConfig
    var projections: [ProjectionTable?]
    var parameterScaling: [AffineScaling]
    var history: TrainingHistory
    var weightsFile: String
    /// SHA-256 of the weights file written with this description (nil in files written before
    /// it was recorded): a description and weights of two different saves are refused.
    var weightsSHA256: String?

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case config, projections, history
        case parameterScaling = "parameter_scaling"
        case weightsFile = "weights_file"
        case weightsSHA256 = "weights_sha256"
    }

    /// Reads and checks the format of the description at `path`.
    static func read(_ path: String) throws -> ModelDescriptionFile {
        let bytes = try readWholeFile(path)
        let description: ModelDescriptionFile
        do {
            description = try JSONDecoder().decode(ModelDescriptionFile.self, from: Data(bytes))
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ModelFileError.notAModel(path: path, detail: "\(error)")
        }
        guard description.format == formatName else {
            throw ModelFileError.notAModel(path: path, detail: "format is '\(description.format)', expected '\(formatName)'")
        }
        guard description.formatVersion <= currentVersion else {
            throw ModelFileError.unsupportedVersion(path: path, version: description.formatVersion, supported: currentVersion)
        }
        return description
    }
}

extension DensityModel {
    /// File name of the model description inside a model directory.
    public static let descriptionFileName = "model.json"
    /// File name of the weights inside a model directory.
    public static let weightsFileName = "weights.safetensors"

    /// Writes the model into `directory` (created if needed): `weights.safetensors` (every
    /// network's weights and biases at their exact shapes, float32, named
    /// `<observable>.<layer>.weight` [in, out] and `.bias` [out]) and `model.json` (format
    /// version, config, projection tables, parameter scaling, training history, and the SHA-256
    /// of the weights file). Each file is written atomically, the description last; a directory
    /// left between the two writes (new weights, old description) is refused by
    /// ``load(from:)``, not read as a model.
    ///
    /// - Returns: the SHA-256 of the weights file (64 hexadecimal digits), which files written
    ///   alongside (`rate.json`) record to be bound to this model.
    @discardableResult
    public func save(to directory: String) throws -> String {
        guard isPrepared else { throw ModelError.notFitted }
        try makeDirectoryPath(directory)
        let weights = try weightsFile().encoded()
        let digest = SHA256.hexDigest(weights)
        try writeFileAtomically(weights, to: "\(directory)/\(Self.weightsFileName)")
        let description = ModelDescriptionFile(
            format: ModelDescriptionFile.formatName, formatVersion: ModelDescriptionFile.currentVersion, config: config,
            projections: projections.map { $0?.table }, parameterScaling: parameterScaling, history: history,
            weightsFile: Self.weightsFileName, weightsSHA256: digest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(try encoder.encode(description), to: "\(directory)/\(Self.descriptionFileName)")
        return digest
    }

    /// The SHA-256 of its weights file that the model directory's `model.json` records (nil
    /// for a description written before it was recorded).
    ///
    /// - Throws: ``ModelFileError`` for a file that is not a model description; file errors.
    public static func recordedWeightsSHA256(in directory: String) throws -> String? {
        try ModelDescriptionFile.read("\(directory)/\(descriptionFileName)").weightsSHA256
    }

    /// Reads a model directory written by ``save(to:)``. Plain parsing: nothing in the files is
    /// executed.
    ///
    /// - Throws: ``ModelFileError`` for a file that is not a model, a newer format version, or
    ///   weights that do not match the description (their shapes, or the SHA-256 it records);
    ///   ``ConfigError`` for an invalid config; file and format errors of the readers.
    public static func load(from directory: String) throws -> DensityModel {
        let path = "\(directory)/\(descriptionFileName)"
        if access(path, F_OK) != 0, access("\(directory)/\(DensityEnsemble.descriptionFileName)", F_OK) == 0 {
            throw ModelFileError.ensemble(path: directory, members: (try? DensityEnsemble.Description.read(directory).members.count) ?? 0)
        }
        let description = try ModelDescriptionFile.read(path)
        var model = try DensityModel(config: description.config)
        let d = model.observableCount
        guard description.projections.count == d, description.parameterScaling.count == model.parameterCount else {
            throw ModelFileError.inconsistent(path: path, detail: "\(description.projections.count) projections and \(description.parameterScaling.count) parameter scalings for \(d) observables and \(model.parameterCount) parameters")
        }
        model.projections = try description.projections.enumerated().map { i, table in
            let continuous = description.config.observables[i].kind == .continuous
            guard continuous == (table != nil) else {
                throw ModelFileError.inconsistent(path: path, detail: "observable \(i) is \(continuous ? "continuous but has no projection" : "integer but has a projection")")
            }
            if let table {
                let observable = description.config.observables[i]
                let lower: Double? = observable.interval.lower.isFinite ? observable.interval.lower : nil
                let upper: Double? = observable.interval.upper.isFinite ? observable.interval.upper : nil
                guard table.name == observable.name, table.declaredLowerBound == lower, table.declaredUpperBound == upper else {
                    throw ModelFileError.inconsistent(path: path, detail: "projections[\(i)] is for '\(table.name)' on [\(table.declaredLowerBound.map { "\($0)" } ?? "-inf"), \(table.declaredUpperBound.map { "\($0)" } ?? "inf")], but observable \(i) of the config is '\(observable.name)' on [\(observable.interval.lower), \(observable.interval.upper)]")
                }
            }
            return try table.map { try ObservableProjection(table: $0) }
        }
        // A zero or non-finite scale would silently cut the networks off from a parameter.
        for (j, scaling) in description.parameterScaling.enumerated() where !(scaling.scale.isFinite && scaling.scale != 0 && scaling.shift.isFinite) {
            throw ModelFileError.inconsistent(path: path, detail: "parameter_scaling[\(j)] (\(description.config.parameters.names[j])) is scale \(scaling.scale), shift \(scaling.shift); expected a finite, non-zero scale and a finite shift")
        }
        model.parameterScaling = description.parameterScaling
        model.history = description.history
        let weightsPath = "\(directory)/\(description.weightsFile.split(separator: "/").last.map(String.init) ?? weightsFileName)"
        let weights = try readWholeFile(weightsPath)
        if let recorded = description.weightsSHA256 {
            let found = SHA256.hexDigest(weights)
            guard found == recorded else {
                throw ModelFileError.inconsistent(path: weightsPath, detail: "SHA-256 \(found), but \(descriptionFileName) was written with weights of SHA-256 \(recorded): "
                    + "the directory holds files of two different saves (an interrupted `gmm-gpu train`, or files copied between model directories); "
                    + "train into it again or restore the matching pair (to use replaced weights on purpose, delete \"weights_sha256\" from \(descriptionFileName))")
            }
        }
        model.parameters = try model.parameters(from: SafetensorsFile(bytes: weights, source: weightsPath), path: weightsPath)
        return model
    }

    /// The weights as named tensors of exact shapes.
    func weightsFile() throws -> SafetensorsFile {
        var tensors: [String: SafetensorsTensor] = [:]
        for (name, layer, network, columns) in namedLayers() {
            let (rows, cols, first) = (layer.inWidths[network], columns.count, columns.lowerBound)
            if rows == 0 || cols == 0 { continue }
            var weights = [Float](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                for c in 0..<cols { weights[r * cols + c] = parameters[layer.weightIndex(network: network, row: r, column: first + c)] }
            }
            let biasStart = layer.biasIndex(network: network, column: first)
            let bias = Array(parameters[biasStart..<(biasStart + cols)])
            tensors["\(name).weight"] = try SafetensorsTensor(shape: [rows, cols], floats: weights)
            tensors["\(name).bias"] = try SafetensorsTensor(shape: [cols], floats: bias)
        }
        return SafetensorsFile(tensors: tensors, metadata: ["format": "gmm-gpu", "format_version": "\(ModelDescriptionFile.currentVersion)"])
    }

    /// The flat parameters from named tensors, checking every name and shape.
    func parameters(from file: SafetensorsFile, path: String) throws -> [Float] {
        var values = ModelLayout(config: config).initialPadding()
        var used = Set<String>()
        for (name, layer, network, columns) in namedLayers() {
            let (rows, cols, first) = (layer.inWidths[network], columns.count, columns.lowerBound)
            if rows == 0 || cols == 0 { continue }
            for (suffix, shape) in [("weight", [rows, cols]), ("bias", [cols])] {
                let key = "\(name).\(suffix)"
                guard let tensor = file.tensors[key] else { throw ModelFileError.missingTensor(path: path, name: key) }
                guard tensor.shape == shape else { throw ModelFileError.tensorShape(path: path, name: key, expected: shape, got: tensor.shape) }
                let floats = tensor.floats
                if let bad = floats.first(where: { !$0.isFinite }) {
                    throw ModelFileError.inconsistent(path: path, detail: "tensor '\(key)' holds \(bad)")
                }
                if suffix == "weight" {
                    for r in 0..<rows {
                        for c in 0..<cols { values[layer.weightIndex(network: network, row: r, column: first + c)] = floats[r * cols + c] }
                    }
                } else {
                    for c in 0..<cols { values[layer.biasIndex(network: network, column: first + c)] = floats[c] }
                }
                used.insert(key)
            }
        }
        if let extra = file.tensors.keys.sorted().first(where: { !used.contains($0) }) {
            throw ModelFileError.unexpectedTensor(path: path, name: extra)
        }
        return values
    }

    /// Every (tensor name prefix, layer, network index, output columns) of the model: one entry
    /// per file block of each layer (a fused layer holds several).
    func namedLayers() -> [(String, DenseLayer, Int, Range<Int>)] {
        let layout = ModelLayout(config: config)
        var result: [(String, DenseLayer, Int, Range<Int>)] = []
        for (stack, indices) in [(layout.continuous, layout.continuousIndices), (layout.categorical, layout.integerIndices)] {
            guard let stack else { continue }
            for layer in stack.layers {
                for (network, observable) in indices.enumerated() {
                    for block in layer.blocks(network: network) {
                        result.append(("\(config.observables[observable].name).\(block.name)", layer, network, block.columns))
                    }
                }
            }
        }
        return result
    }
}

/// Creates the directory `path` and its parents if missing.
public func makeDirectoryPath(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        current += "/\(component)"
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw FileIOError(operation: "create the directory", path: current, code: errno)
        }
    }
}

/// The whole contents of a file.
func readWholeFile(_ path: String) throws -> [UInt8] {
    let file = try ReadableFile(path: path)
    return try file.readBytes(file.size)
}
