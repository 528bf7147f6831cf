/// A coding key for any object key or array index in a model description.
struct ConfigKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// Formats a coding path as `network.n_gaussians` or `observables[0].interval[1]`; `(root)` when empty.
func configPath(_ codingPath: [any CodingKey]) -> String {
    var out = ""
    for key in codingPath {
        if let index = key.intValue {
            out += "[\(index)]"
        } else {
            out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return out.isEmpty ? "(root)" : out
}

/// Describes the value a decoder points at, for "got ..." in error messages.
func describeFound(_ decoder: any Decoder) -> String {
    if let single = try? decoder.singleValueContainer() {
        if single.decodeNil() { return "null" }
        if let value = try? single.decode(Bool.self) { return "boolean \(value)" }
        if let value = try? single.decode(Int.self) { return "integer \(value)" }
        if let value = try? single.decode(Double.self) { return "number \(value)" }
        if let value = try? single.decode(String.self) { return "string \"\(value)\"" }
    }
    if (try? decoder.unkeyedContainer()) != nil { return "an array" }
    if (try? decoder.container(keyedBy: ConfigKey.self)) != nil { return "an object" }
    return "an unreadable value"
}

/// Reads one object of a model description: rejects unknown keys and turns decoding
/// failures into ``ConfigError`` values that name the key's path.
struct ConfigObjectReader {
    private let container: KeyedDecodingContainer<ConfigKey>
    private let codingPath: [any CodingKey]

    /// Opens the object at `decoder`, checking that it is an object whose keys are all in `known`.
    init(_ decoder: any Decoder, known: [String]) throws(ConfigError) {
        codingPath = decoder.codingPath
        do {
            container = try decoder.container(keyedBy: ConfigKey.self)
        } catch {
            throw .wrongType(path: configPath(codingPath), expected: "an object", got: describeFound(decoder))
        }
        let knownSet = Set(known)
        // Report unknown keys in a stable (sorted) order.
        for key in container.allKeys.map(\.stringValue).sorted() where !knownSet.contains(key) {
            throw .unknownKey(path: path(key), known: known)
        }
    }

    /// The path of `key` inside this object.
    func path(_ key: String) -> String {
        configPath(codingPath + [ConfigKey(key)])
    }

    /// Whether `key` is present (a present `null` counts as present).
    func contains(_ key: String) -> Bool {
        container.contains(ConfigKey(key))
    }

    /// Decodes `key` as `T`, or returns nil when the key is absent.
    ///
    /// `expected` describes the wanted value for messages ("an integer", "an object", ...).
    /// ``ConfigError``s thrown by nested types pass through unchanged.
    func optional<T: Decodable>(_ key: String, _ type: T.Type, expected: String) throws(ConfigError) -> T? {
        let codingKey = ConfigKey(key)
        guard container.contains(codingKey) else { return nil }
        do {
            return try container.decode(T.self, forKey: codingKey)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .wrongType(path: path(key), expected: expected, got: found(codingKey))
        }
    }

    /// Decodes `key` as `T`, throwing ``ConfigError/missingKey(path:expected:)`` when absent.
    func required<T: Decodable>(_ key: String, _ type: T.Type, expected: String) throws(ConfigError) -> T {
        guard let value = try optional(key, type, expected: expected) else {
            throw .missingKey(path: path(key), expected: expected)
        }
        return value
    }

    /// Decodes `key` as an array of `T`, naming the index of a wrongly typed element.
    func optionalArray<T: Decodable>(
        _ key: String, of type: T.Type, expected: String, expectedElement: String
    ) throws(ConfigError) -> [T]? {
        let codingKey = ConfigKey(key)
        guard container.contains(codingKey) else { return nil }
        var elements: any UnkeyedDecodingContainer
        do {
            elements = try container.nestedUnkeyedContainer(forKey: codingKey)
        } catch {
            throw .wrongType(path: path(key), expected: expected, got: found(codingKey))
        }
        var out: [T] = []
        while !elements.isAtEnd {
            let index = elements.currentIndex
            do {
                out.append(try elements.decode(T.self))
            } catch let error as ConfigError {
                throw error
            } catch {
                let got = (try? elements.superDecoder()).map(describeFound) ?? "an unreadable value"
                throw .wrongType(path: "\(path(key))[\(index)]", expected: expectedElement, got: got)
            }
        }
        return out
    }

    private func found(_ key: ConfigKey) -> String {
        (try? container.superDecoder(forKey: key)).map(describeFound) ?? "an unreadable value"
    }
}
