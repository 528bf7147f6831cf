/// An error in a model description (``ModelConfig``).
///
/// Every case carries the path of the offending key in the file (e.g. `network.n_gaussians`,
/// `observables[2].interval[0]`), and every description says what was expected, what was
/// found, and how to fix it.
public enum ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The text is not valid JSON or YAML; `format` is `"JSON"` or `"YAML"`.
    case syntax(format: String, detail: String)
    /// A key that the schema does not know; `known` lists the keys allowed at that place.
    case unknownKey(path: String, known: [String])
    /// A required key is absent; `expected` describes its value.
    case missingKey(path: String, expected: String)
    /// A value has the wrong type (e.g. a string where a number is expected).
    case wrongType(path: String, expected: String, got: String)
    /// A value has the right type but is not allowed (out of range, inconsistent with another key, ...).
    case invalidValue(path: String, expected: String, got: String)
    /// Two entries share a name that must be unique; `firstPath` is where it was first used.
    case duplicateName(path: String, name: String, firstPath: String)

    /// A one-paragraph explanation: what is wrong, where, what was expected, and how to fix it.
    public var description: String {
        switch self {
        case let .syntax(format, detail):
            return "the model description is not valid \(format): \(detail); fix the syntax."
        case let .unknownKey(path, known):
            return "\(path): unknown key (known keys: \(known.joined(separator: ", "))); "
                + "remove it or correct its spelling."
        case let .missingKey(path, expected):
            return "\(path): missing required key; add it with \(expected)."
        case let .wrongType(path, expected, got):
            return "\(path): expected \(expected), got \(got); change the value to \(expected)."
        case let .invalidValue(path, expected, got):
            return "\(path): invalid value \(got); expected \(expected). Change the value accordingly."
        case let .duplicateName(path, name, firstPath):
            return "\(path): duplicate name '\(name)' (already used at \(firstPath)); give each entry a unique name."
        }
    }
}
