/// The header dictionary of an npy file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NpyHeader: Equatable {
    /// The element type string, e.g. "<f4"; a structured type is kept as its raw text.
    var descr: String
    /// Whether the data are in column-major order.
    var fortranOrder: Bool
    /// The shape, outermost first.
    var shape: [Int]

    /// The magic string every npy file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// The dictionary as numpy writes it (Python literal syntax, keys in sorted order).
    var dictionaryText: String {
        let dimensions: String
        switch shape.count {
        case 0: dimensions = "()"
        case 1: dimensions = "(\(shape[0]),)"
        default: dimensions = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(dimensions), }"
    }

    /// The whole preamble and header: magic, version, header length, the dictionary padded
    /// with spaces and ending in '\n' so that the data start at a multiple of 64 bytes.
    /// Version 1.0 unless the header needs more than 65535 bytes (then 2.0).
    func encoded() -> [UInt8] {
        let text = Array(dictionaryText.utf8)
        for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let preamble = Self.magic.count + 2 + lengthBytes
            let unpadded = preamble + text.count + 1
            let padding = (64 - unpadded % 64) % 64
            let headerLength = text.count + padding + 1
            if lengthBytes == 2 && headerLength > Int(UInt16.max) { continue }
            var bytes = Self.magic + [major, 0]
            for i in 0..<lengthBytes {
                bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * i)))
            }
            bytes += text
            bytes += [UInt8](repeating: 0x20, count: padding)
            bytes.append(0x0A)
            return bytes
        }
        return []  // unreachable: a 4-byte length always suffices for any shape
    }

    /// Parses the dictionary text (a Python literal with exactly the keys 'descr',
    /// 'fortran_order' and 'shape').
    /// - Throws: `NpyHeaderSyntaxError` describing what was expected and what was found.
    static func parse(_ text: [UInt8]) throws(NpyHeaderSyntaxError) -> NpyHeader {
        var scanner = NpyHeaderScanner(bytes: text)
        let entries = try scanner.parseDictionary()
        let keys = Set(entries.keys)
        let required: Set<String> = ["descr", "fortran_order", "shape"]
        guard keys == required else {
            throw NpyHeaderSyntaxError("expected exactly the keys 'descr', 'fortran_order' and 'shape', got \(keys.sorted().map { "'\($0)'" }.joined(separator: ", "))")
        }
        let descr: String
        switch entries["descr"] {
        case let .string(text)?, let .raw(text)?: descr = text
        default: throw NpyHeaderSyntaxError("expected 'descr' to be a string")
        }
        guard case let .bool(fortranOrder)? = entries["fortran_order"] else {
            throw NpyHeaderSyntaxError("expected 'fortran_order' to be True or False")
        }
        guard case let .tuple(shape)? = entries["shape"] else {
            throw NpyHeaderSyntaxError("expected 'shape' to be a tuple of integers")
        }
        return NpyHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }
}

/// What was wrong in an npy header dictionary.
struct NpyHeaderSyntaxError: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A value in the npy header dictionary.
enum NpyHeaderValue: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
    /// A list or dictionary (a structured dtype), kept as its text.
    case raw(String)
}

/// Scans the Python-literal dictionary of an npy header.
struct NpyHeaderScanner {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func describeCurrent() -> String {
        guard let byte = current else { return "the end of the header" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))' at offset \(position)" }
        return "byte 0x\(String(byte, radix: 16)) at offset \(position)"
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(NpyHeaderSyntaxError) {
        guard current == byte else {
            throw NpyHeaderSyntaxError("expected '\(Character(Unicode.Scalar(byte)))', got \(describeCurrent())")
        }
        position += 1
    }

    mutating func parseDictionary() throws(NpyHeaderSyntaxError) -> [String: NpyHeaderValue] {
        var entries: [String: NpyHeaderValue] = [:]
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; break }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let value = try parseValue()
            guard entries.updateValue(value, forKey: key) == nil else {
                throw NpyHeaderSyntaxError("expected each key once, got '\(key)' twice")
            }
            skipWhitespace()
            if current == UInt8(ascii: ",") { position += 1; continue }
            if current == UInt8(ascii: "}") { position += 1; break }
            throw NpyHeaderSyntaxError("expected ',' or '}' after a value, got \(describeCurrent())")
        }
        skipWhitespace()
        guard current == nil else {
            throw NpyHeaderSyntaxError("expected only spaces and a newline after the dictionary, got \(describeCurrent())")
        }
        return entries
    }

    private mutating func parseString() throws(NpyHeaderSyntaxError) -> String {
        guard let quote = current, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw NpyHeaderSyntaxError("expected a quoted string, got \(describeCurrent())")
        }
        position += 1
        var scalars = String.UnicodeScalarView()
        while let byte = current, byte != quote {
            var value = byte
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard let escaped = current else { break }
                value = escaped
            }
            scalars.append(Unicode.Scalar(value))  // Latin-1, as numpy writes headers
            position += 1
        }
        guard current == quote else { throw NpyHeaderSyntaxError("expected a closing quote, got the end of the header") }
        position += 1
        return String(scalars)
    }

    private mutating func parseValue() throws(NpyHeaderSyntaxError) -> NpyHeaderValue {
        switch current {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "("):
            return .tuple(try parseTuple())
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            return .raw(try skipBracketed())
        default:
            if consume("True") { return .bool(true) }
            if consume("False") { return .bool(false) }
            throw NpyHeaderSyntaxError("expected a string, True, False or a tuple, got \(describeCurrent())")
        }
    }

    private mutating func consume(_ word: String) -> Bool {
        let text = Array(word.utf8)
        guard position + text.count <= bytes.count, Array(bytes[position..<position + text.count]) == text else { return false }
        position += text.count
        return true
    }

    private mutating func parseTuple() throws(NpyHeaderSyntaxError) -> [Int] {
        position += 1  // '('
        var values: [Int] = []
        while true {
            skipWhitespace()
            if current == UInt8(ascii: ")") { position += 1; return values }
            let start = position
            while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { position += 1 }
            guard position > start, let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
                throw NpyHeaderSyntaxError("expected a non-negative integer in 'shape', got \(describeCurrent())")
            }
            if current == UInt8(ascii: "L") { position += 1 }  // Python 2 long suffix
            values.append(value)
            skipWhitespace()
            if current == UInt8(ascii: ",") { position += 1; continue }
            if current == UInt8(ascii: ")") { position += 1; return values }
            throw NpyHeaderSyntaxError("expected ',' or ')' in 'shape', got \(describeCurrent())")
        }
    }

    /// Skips a balanced [...] or {...} (strings inside may hold brackets) and returns its text.
    private mutating func skipBracketed() throws(NpyHeaderSyntaxError) -> String {
        let start = position
        var depth = 0
        while let byte = current {
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "("): depth += 1; position += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ")"):
                depth -= 1
                position += 1
                if depth == 0 { return String(decoding: bytes[start..<position], as: UTF8.self) }
            case UInt8(ascii: "'"), UInt8(ascii: "\""): _ = try parseString()
            default: position += 1
            }
        }
        throw NpyHeaderSyntaxError("expected a closing bracket, got the end of the header")
    }
}
