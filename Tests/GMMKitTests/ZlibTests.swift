import Testing
@testable import GMMKit

/// The system zlib as the project loads it (dlopen of libz.so.1): round trips at every level
/// in both framings, errors for corrupt or truncated streams, and the standard CRC-32 check value.
@Suite struct ZlibTests {
    /// Text-like data (repeats, for back-references), random bytes and runs.
    func inputs() -> [[UInt8]] {
        var generator = SeededGenerator(seed: 7)
        let text = Array(String(repeating: "the density model p(x|θ) and its latent projection; ", count: 400).utf8)
        let random = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let runs = [UInt8](repeating: 42, count: 70_000) + [1, 2, 3]
        return [[], [0], text, random, runs]
    }

    @Test(arguments: [Int32(0), 1, 6, 9])
    func roundTripsInBothFramings(level: Int32) throws {
        for input in inputs() {
            for format in [Zlib.Format.zlib, .raw] {
                let packed = try input.withUnsafeBytes { try Zlib.deflate($0, format: format, level: level) }
                #expect(try Zlib.inflate(packed, format: format) == input, "level \(level), \(input.count) bytes")
            }
        }
    }

    @Test func repetitiveDataShrinks() throws {
        let text = inputs()[2]
        #expect(try text.withUnsafeBytes { try Zlib.deflate($0, format: .raw, level: 9) }.count < text.count / 10)
    }

    @Test func corruptOrTruncatedDataThrow() throws {
        let input = Array(String(repeating: "abcdefgh", count: 500).utf8) + (0..<255).map { UInt8($0) }
        let stream = try input.withUnsafeBytes { try Zlib.deflate($0, format: .zlib, level: 9) }
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate(Array(stream.dropLast(8)), format: .zlib) }
        var badCheck = stream
        badCheck[badCheck.count - 1] ^= 0xff
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate(badCheck, format: .zlib) }
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate([0x78, 0x9c ^ 1, 0, 0, 0, 0], format: .zlib) }
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate([0x07], format: .raw) }  // block type 3
    }

    /// Inflation stops once the output passes its limit: a stream of 10 MB of zeros with a
    /// limit of 1000 bytes fails without inflating the rest; the exact size passes.
    @Test func inflationStopsAtItsLimit() throws {
        let zeros = [UInt8](repeating: 0, count: 10_000_000)
        let packed = try zeros.withUnsafeBytes { try Zlib.deflate($0, format: .raw, level: 9) }
        #expect(packed.count < 20_000)
        let failure = try #require(throws: Zlib.Failure.self) { try Zlib.inflate(packed, format: .raw, limit: 1000) }
        #expect(failure.reason == "the data inflate to more than the 1000 bytes declared")
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate(packed, format: .raw, limit: zeros.count - 1) }
        #expect(try Zlib.inflate(packed, format: .raw, limit: zeros.count) == zeros)
        #expect(try Zlib.inflate(try [UInt8]().withUnsafeBytes { try Zlib.deflate($0, format: .raw) }, format: .raw, limit: 0) == [])
    }

    /// A prefix is the stream's first bytes, however long the stream: the first 100 bytes of
    /// text, the first 1000 of 10 MB of zeros whose end is damaged (never reached), and the whole
    /// stream when it is shorter than the prefix asked for.
    @Test func prefixInflatesOnlyThePrefix() throws {
        for input in inputs().dropFirst() {
            let packed = try input.withUnsafeBytes { try Zlib.deflate($0, format: .raw, level: 6) }
            for count in [1, 100, input.count, input.count + 50] {
                let prefix = try packed.withUnsafeBytes { try Zlib.inflatePrefix($0, format: .raw, count: count) }
                #expect(prefix == Array(input.prefix(count)), "\(input.count) bytes, prefix \(count)")
            }
        }
        let zeros = [UInt8](repeating: 0, count: 10_000_000)
        var packed = try zeros.withUnsafeBytes { try Zlib.deflate($0, format: .raw, level: 9) }
        packed.removeLast(packed.count / 2)
        #expect(throws: Zlib.Failure.self) { try Zlib.inflate(packed, format: .raw) }
        #expect(try packed.withUnsafeBytes { try Zlib.inflatePrefix($0, format: .raw, count: 1000) } == [UInt8](repeating: 0, count: 1000))
    }

    @Test func crc32MatchesTheCheckValue() throws {
        #expect(try Array("123456789".utf8).withUnsafeBytes { try Zlib.crc32($0) } == 0xCBF4_3926)
    }
}
