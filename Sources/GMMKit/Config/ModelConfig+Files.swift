import FoundationEssentials
import Yams

extension ModelConfig {
    /// Decodes and validates a model description from JSON.
    ///
    /// - Throws: ``ConfigError``: ``ConfigError/syntax(format:detail:)`` for malformed JSON, otherwise
    ///   the first schema or value problem, naming its key.
    public static func fromJSON(_ data: Data) throws(ConfigError) -> ModelConfig {
        do {
            return try JSONDecoder().decode(ModelConfig.self, from: data)
        } catch {
            throw converted(error, format: "JSON")
        }
    }

    /// Decodes and validates a model description from JSON text.
    public static func fromJSON(_ text: String) throws(ConfigError) -> ModelConfig {
        try fromJSON(Data(text.utf8))
    }

    /// Decodes and validates a model description from YAML text (through Yams).
    ///
    /// YAML's `.inf` / `-.inf` are accepted for unbounded interval sides, as are `"inf"` / `"-inf"`.
    public static func fromYAML(_ text: String) throws(ConfigError) -> ModelConfig {
        do {
            return try YAMLDecoder().decode(ModelConfig.self, from: text)
        } catch {
            throw converted(error, format: "YAML")
        }
    }

    /// The description as pretty-printed JSON with sorted keys (all defaults written out).
    ///
    /// - Throws: ``ConfigError`` if the description is invalid.
    public func jsonData() throws(ConfigError) -> Data {
        try validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw .invalidValue(path: "(root)", expected: "a description that can be written as JSON", got: "\(error)")
        }
    }

    /// The description as YAML text (all defaults written out).
    ///
    /// Yams writes doubles that it does not print in exponent notation with 15 significant digits,
    /// so such values (e.g. π) may not round-trip bit-exactly; use ``jsonData()`` for exact storage.
    ///
    /// - Throws: ``ConfigError`` if the description is invalid.
    public func yamlString() throws(ConfigError) -> String {
        try validate()
        do {
            return try YAMLEncoder().encode(self)
        } catch {
            throw .invalidValue(path: "(root)", expected: "a description that can be written as YAML", got: "\(error)")
        }
    }

    /// The ``ConfigError`` inside `error` or its chain of `DecodingError.dataCorrupted` underlying errors.
    private static func findConfigError(_ error: any Error) -> ConfigError? {
        if let error = error as? ConfigError { return error }
        if case let .dataCorrupted(context)? = error as? DecodingError, let inner = context.underlyingError {
            return findConfigError(inner)
        }
        return nil
    }

    /// Maps a decoder's error onto ``ConfigError``; ``ConfigError``s pass through.
    private static func converted(_ error: any Error, format: String) -> ConfigError {
        if let error = error as? ConfigError { return error }
        // Yams wraps errors thrown by init(from:) in DecodingError.dataCorrupted(underlyingError:).
        if case let .dataCorrupted(context)? = error as? DecodingError, let inner = context.underlyingError,
            let found = findConfigError(inner)
        {
            return found
        }
        guard let decodingError = error as? DecodingError else {
            return .syntax(format: format, detail: "\(error)")
        }
        switch decodingError {
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return .syntax(format: format, detail: context.debugDescription + underlying)
        case let .dataCorrupted(context):
            return .invalidValue(path: configPath(context.codingPath), expected: "a readable value", got: context.debugDescription)
        case let .keyNotFound(key, context):
            return .missingKey(path: configPath(context.codingPath + [key]), expected: "a value")
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return .wrongType(path: configPath(context.codingPath), expected: "\(type)", got: context.debugDescription)
        @unknown default:
            return .syntax(format: format, detail: "\(decodingError)")
        }
    }
}

extension ModelConfig {
    /// Reads a model description from a `.yaml`/`.yml` or `.json` file.
    ///
    /// - Throws: ``ConfigError`` naming the key of any problem, or a file error.
    public static func load(path: String) throws -> ModelConfig {
        let bytes = try readWholeFile(path)
        let text = String(decoding: bytes, as: UTF8.self)
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return try fromJSON(text) }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return try fromYAML(text) }
        throw ConfigError.invalidValue(path: path, expected: "a .yaml, .yml or .json file", got: "another extension")
    }
}
