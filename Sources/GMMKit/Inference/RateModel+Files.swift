import FoundationEssentials

/// The JSON file of a ``RateModel`` (`rate.json` next to a model).
struct RateModelFile: Codable {
    static let formatName = "gmm-gpu-rate-model"
    static let currentVersion = 1

    var format: String
    var formatVersion: Int
    var rate: RateModel
    /// SHA-256 of the `weights.safetensors` of the model it was written with (nil for a rate
    /// model written on its own): a `rate.json` left from another training run is refused.
    var modelWeightsSHA256: String?

    enum CodingKeys: String, CodingKey {
        case format, rate
        case formatVersion = "format_version"
        case modelWeightsSHA256 = "model_weights_sha256"
    }
}

extension RateModel {
    /// The usual file name of a rate model inside a model directory.
    public static let fileName = "rate.json"

    /// Writes the rate model as JSON (format name and version, then the polynomial), atomically.
    ///
    /// - Parameters:
    ///   - path: the file to write (usually ``fileName`` inside the model directory).
    ///   - modelWeightsSHA256: the digest ``DensityModel/save(to:)`` returned for the
    ///     model this rate model goes with, recorded so that ``load(modelDirectory:)`` can refuse
    ///     a `rate.json` of another training run.
    public func save(to path: String, modelWeightsSHA256: String? = nil) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = RateModelFile(format: RateModelFile.formatName, formatVersion: RateModelFile.currentVersion, rate: self,
                                 modelWeightsSHA256: modelWeightsSHA256)
        try writeFileAtomically(try encoder.encode(file), to: path)
    }

    /// Reads a rate model written by ``save(to:modelWeightsSHA256:)``.
    ///
    /// - Throws: ``ModelFileError`` for a file that is not a rate model, a newer format version,
    ///   or inconsistent contents; file errors of the reader.
    public static func load(from path: String) throws -> RateModel { try readFile(path).rate }

    /// The rate model in a model directory (`rate.json`, as `gmm-gpu train` writes it), checked
    /// to belong to the directory's model: when both record the weights' SHA-256, they agree.
    ///
    /// - Throws: ``ModelFileError/inconsistent(path:detail:)`` for a `rate.json` written with
    ///   another model (a train run interrupted between its writes, or files copied between
    ///   directories); the errors of ``load(from:)``.
    public static func load(modelDirectory directory: String) throws -> RateModel {
        let path = "\(directory)/\(fileName)"
        let file = try readFile(path)
        if let recorded = file.modelWeightsSHA256, let weights = try DensityModel.recordedWeightsSHA256(in: directory), recorded != weights {
            throw ModelFileError.inconsistent(path: path, detail: "written with the model whose weights have SHA-256 \(recorded), but the directory's "
                + "\(DensityModel.descriptionFileName) describes weights of SHA-256 \(weights): it belongs to another training run; "
                + "train into the directory again, or name a rate model explicitly (`gmm-gpu infer --rate FILE`)")
        }
        return file.rate
    }

    /// Reads and checks a rate-model file.
    private static func readFile(_ path: String) throws -> RateModelFile {
        let bytes = try readWholeFile(path)
        let file: RateModelFile
        do {
            file = try JSONDecoder().decode(RateModelFile.self, from: Data(bytes))
        } catch {
            throw ModelFileError.notAModel(path: path, detail: "not a rate model: \(error)")
        }
        guard file.format == RateModelFile.formatName else {
            throw ModelFileError.notAModel(path: path, detail: "format is '\(file.format)', expected '\(RateModelFile.formatName)'")
        }
        guard file.formatVersion <= RateModelFile.currentVersion else {
            throw ModelFileError.unsupportedVersion(path: path, version: file.formatVersion, supported: RateModelFile.currentVersion)
        }
        let rate = file.rate
        let p = rate.parameterNames.count
        guard rate.centres.count == p, rate.scales.count == p, rate.scales.allSatisfy({ $0 > 0 && $0.isFinite }),
              rate.exponents.count == rate.coefficients.count, rate.exponents.allSatisfy({ $0.count == p && $0.allSatisfy { $0 >= 0 } }),
              rate.coefficients.allSatisfy(\.isFinite), rate.centres.allSatisfy(\.isFinite) else {
            throw ModelFileError.inconsistent(path: path, detail: "the rate polynomial's arrays do not match its \(p) parameters")
        }
        return file
    }
}
