import FoundationEssentials

/// The JSON file of a ``RateModel`` (`rate.json` next to a model).
struct RateModelFile: Codable {
    static let formatName = "gmm-gpu-rate-model"
    static let currentVersion = 1

    var format: String
    var formatVersion: Int
    var rate: RateModel

    enum CodingKeys: String, CodingKey {
        case format, rate
        case formatVersion = "format_version"
    }
}

extension RateModel {
    /// The usual file name of a rate model inside a model directory.
    public static let fileName = "rate.json"

    /// Writes the rate model as JSON (format name and version, then the polynomial), atomically.
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = RateModelFile(format: RateModelFile.formatName, formatVersion: RateModelFile.currentVersion, rate: self)
        try writeFileAtomically(try encoder.encode(file), to: path)
    }

    /// Reads a rate model written by ``save(to:)``.
    ///
    /// - Throws: ``ModelFileError`` for a file that is not a rate model, a newer format version,
    ///   or inconsistent contents; file errors of the reader.
    public static func load(from path: String) throws -> RateModel {
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
        return rate
    }
}
