/// A closed interval `[lower, upper]` written in a model description as a two-element array.
///
/// Each element is a number, or one of the strings `"-inf"`, `"inf"`, `"+inf"` for an unbounded
/// side (YAML's `-.inf` / `.inf` are accepted too). Unbounded sides are only allowed where the
/// owner says so (continuous observables); the owner validates.
/// Encoded back as numbers, with infinite sides as `"-inf"` / `"inf"`.
public struct ConfigInterval: Sendable, Equatable, Codable {
    /// Lower end (may be −∞ for continuous observables).
    public var lower: Double
    /// Upper end (may be +∞ for continuous observables).
    public var upper: Double

    /// Creates an interval without validation.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether both ends are finite.
    public var isFinite: Bool { lower.isFinite && upper.isFinite }

    /// Decodes `[lower, upper]`; throws ``ConfigError`` naming the element on a wrong type or length.
    public init(from decoder: any Decoder) throws {
        let path = configPath(decoder.codingPath)
        let expected = "an array [lower, upper] of two numbers (or \"-inf\"/\"inf\")"
        var elements: any UnkeyedDecodingContainer
        do {
            elements = try decoder.unkeyedContainer()
        } catch {
            throw ConfigError.wrongType(path: path, expected: expected, got: describeFound(decoder))
        }
        var ends: [Double] = []
        while !elements.isAtEnd {
            let index = elements.currentIndex
            if let number = try? elements.decode(Double.self) {
                ends.append(number)
                continue
            }
            if let text = try? elements.decode(String.self) {
                guard let bound = Self.bound(named: text) else {
                    throw ConfigError.wrongType(
                        path: "\(path)[\(index)]", expected: "a number or \"-inf\"/\"inf\"", got: "string \"\(text)\"")
                }
                ends.append(bound)
                continue
            }
            let got = (try? elements.superDecoder()).map(describeFound) ?? "an unreadable value"
            throw ConfigError.wrongType(
                path: "\(path)[\(index)]", expected: "a number or \"-inf\"/\"inf\"", got: got)
        }
        guard ends.count == 2 else {
            throw ConfigError.invalidValue(path: path, expected: expected, got: "an array of \(ends.count) elements")
        }
        self.init(lower: ends[0], upper: ends[1])
    }

    /// Encodes `[lower, upper]`, writing infinite ends as `"-inf"` / `"inf"`.
    public func encode(to encoder: any Encoder) throws {
        var elements = encoder.unkeyedContainer()
        for value in [lower, upper] {
            if value == .infinity {
                try elements.encode("inf")
            } else if value == -.infinity {
                try elements.encode("-inf")
            } else {
                try elements.encode(value)
            }
        }
    }

    private static func bound(named text: String) -> Double? {
        switch text.lowercased() {
        case "-inf", "-infinity", "-.inf": return -.infinity
        case "inf", "+inf", "infinity", "+infinity", ".inf", "+.inf": return .infinity
        default: return nil
        }
    }
}
