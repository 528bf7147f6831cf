/// DEFLATE decompression (RFC 1951), of zlib streams (RFC 1950: header, deflate data, Adler-32
/// check) or of raw deflate data (as in zip/.npz members and PNG's zlib stream body).
///
/// A self-contained decoder: no system library is loaded.
public enum Zlib {
    /// How the compressed bytes are framed.
    public enum Format: Sendable {
        /// A 2-byte zlib header, the deflate data, and the big-endian Adler-32 of the output.
        case zlib
        /// Deflate data alone.
        case raw
    }

    /// Decompresses `data`.
    ///
    /// - Throws: `ZlibError` when the data are truncated, corrupt, or (zlib) fail the header or
    ///   Adler-32 check.
    public static func inflate(_ data: [UInt8], format: Format) throws -> [UInt8] {
        var reader = BitReader(bytes: data)
        if format == .zlib {
            guard data.count >= 6 else { throw ZlibError(reason: "a zlib stream needs at least 6 bytes, got \(data.count)") }
            let cmf = Int(data[0]), flg = Int(data[1])
            guard cmf & 0x0f == 8, cmf >> 4 <= 7 else { throw ZlibError(reason: "header byte 0x\(String(cmf, radix: 16)) is not deflate with a window ≤ 32 KiB") }
            guard (cmf * 256 + flg) % 31 == 0 else { throw ZlibError(reason: "header check bits are wrong (not a zlib stream)") }
            guard flg & 0x20 == 0 else { throw ZlibError(reason: "the stream needs a preset dictionary, which is not supported") }
            reader.position = 2
        }
        var output = [UInt8]()
        output.reserveCapacity(data.count * 4)
        var last = false
        while !last {
            last = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0: try stored(&reader, &output)
            case 1: try codes(&reader, &output, lengths: Huffman.fixedLengths, distances: Huffman.fixedDistances)
            case 2:
                let (lengths, distances) = try dynamicTables(&reader)
                try codes(&reader, &output, lengths: lengths, distances: distances)
            default: throw ZlibError(reason: "block type 3 is invalid")
            }
        }
        if format == .zlib {
            reader.alignToByte()
            var expected: UInt32 = 0
            for _ in 0..<4 { expected = expected << 8 | UInt32(try reader.byte()) }
            let actual = adler32(output)
            guard actual == expected else {
                throw ZlibError(reason: "Adler-32 check failed (stored \(expected), computed \(actual)): the data are corrupt")
            }
        }
        return output
    }

    /// The Adler-32 checksum of `bytes` (RFC 1950).
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + 5552)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    static func stored(_ reader: inout BitReader, _ output: inout [UInt8]) throws {
        reader.alignToByte()
        let length = Int(try reader.byte()) | Int(try reader.byte()) << 8
        let complement = Int(try reader.byte()) | Int(try reader.byte()) << 8
        guard length == ~complement & 0xffff else { throw ZlibError(reason: "stored block length \(length) does not match its complement") }
        guard reader.position + length <= reader.bytes.count else { throw ZlibError(reason: "stored block of \(length) bytes is truncated") }
        output.append(contentsOf: reader.bytes[reader.position..<(reader.position + length)])
        reader.position += length
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Decodes literal/length and distance codes until the end-of-block symbol.
    static func codes(_ reader: inout BitReader, _ output: inout [UInt8], lengths: Huffman, distances: Huffman) throws {
        while true {
            let symbol = try lengths.decode(&reader)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw ZlibError(reason: "invalid length symbol \(symbol)") }
                let length = lengthBase[index] + (try reader.bits(lengthExtra[index]))
                let d = try distances.decode(&reader)
                guard d < 30 else { throw ZlibError(reason: "invalid distance symbol \(d)") }
                let distance = distanceBase[d] + (try reader.bits(distanceExtra[d]))
                guard distance <= output.count else {
                    throw ZlibError(reason: "a back-reference reaches \(distance) bytes back with only \(output.count) written")
                }
                let start = output.count - distance
                for k in 0..<length { output.append(output[start + k]) }
            }
        }
    }

    /// Reads the code-length description of a dynamic block and builds its two codes.
    static func dynamicTables(_ reader: inout BitReader) throws -> (Huffman, Huffman) {
        let literalCount = try reader.bits(5) + 257, distanceCount = try reader.bits(5) + 1, codeCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw ZlibError(reason: "too many length or distance codes") }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for k in 0..<codeCount { codeLengths[order[k]] = try reader.bits(3) }
        let lengthCode = try Huffman(lengths: codeLengths)
        var lengths = [Int]()
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try lengthCode.decode(&reader)
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw ZlibError(reason: "a repeat code comes before any length") }
                lengths += [Int](repeating: previous, count: 3 + (try reader.bits(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try reader.bits(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw ZlibError(reason: "code lengths overrun the table") }
        guard lengths[256] > 0 else { throw ZlibError(reason: "the block has no end-of-block code") }
        return (try Huffman(lengths: Array(lengths[0..<literalCount])), try Huffman(lengths: Array(lengths[literalCount...])))
    }
}

/// Why decompression failed.
public struct ZlibError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong with the data.
    public var reason: String
    /// The message.
    public var description: String { "deflate data: \(reason)" }
}

/// Reads bits least-significant first, as DEFLATE stores them.
struct BitReader {
    let bytes: [UInt8]
    var position = 0
    private var buffer = 0
    private var count = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The next `n` (0...16) bits as an integer.
    mutating func bits(_ n: Int) throws -> Int {
        while count < n {
            guard position < bytes.count else { throw ZlibError(reason: "the data end too early (truncated)") }
            buffer |= Int(bytes[position]) << count
            position += 1
            count += 8
        }
        let value = buffer & ((1 << n) - 1)
        buffer >>= n
        count -= n
        return value
    }

    /// Drops the bits left in the current byte.
    mutating func alignToByte() {
        buffer = 0
        count = 0
    }

    /// The next whole byte (after `alignToByte`).
    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ZlibError(reason: "the data end too early (truncated)") }
        position += 1
        return bytes[position - 1]
    }
}

/// A canonical Huffman code given by its code lengths, decoded one bit at a time.
struct Huffman {
    /// counts[l]: how many codes have length l (1...15).
    var counts = [Int](repeating: 0, count: 16)
    /// Symbols ordered by code.
    var symbols: [Int]

    init(lengths: [Int]) throws {
        for l in lengths { counts[l] += 1 }
        var left = 1
        for l in 1..<16 {
            left <<= 1
            left -= counts[l]
            guard left >= 0 else { throw ZlibError(reason: "a Huffman code is over-subscribed") }
        }
        var offsets = [Int](repeating: 0, count: 16)
        for l in 1..<15 { offsets[l + 1] = offsets[l] + counts[l] }
        symbols = [Int](repeating: 0, count: lengths.count)
        for (symbol, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[l]] = symbol
            offsets[l] += 1
        }
        counts[0] = 0
    }

    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0, first = 0, index = 0
        for l in 1..<16 {
            code |= try reader.bits(1)
            let count = counts[l]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw ZlibError(reason: "an invalid Huffman code")
    }

    static let fixedLengths: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        // The fixed lengths form a complete code, so this cannot fail.
        return (try? Huffman(lengths: lengths)) ?? Huffman(counts: [], symbols: [])
    }()

    static let fixedDistances: Huffman = (try? Huffman(lengths: [Int](repeating: 5, count: 30))) ?? Huffman(counts: [], symbols: [])

    private init(counts: [Int], symbols: [Int]) {
        self.counts = counts.isEmpty ? [Int](repeating: 0, count: 16) : counts
        self.symbols = symbols
    }
}
