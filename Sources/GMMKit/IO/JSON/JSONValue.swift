/// A parsed JSON value (RFC 8259). Used for the safetensors header, where plain parsing, exact
/// integers and the rejection of duplicate keys matter more than convenience.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// An object; duplicate keys are rejected by the parser.
    case object([String: JSONValue])

    /// A short name of the value's kind, for error messages ("an integer", "a string", ...).
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
