#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GMMKit

/// The system zlib's `compress2`, loaded with dlopen, as an independent compressor to check the
/// decoder against (libz.so.1 is part of every Debian system).
private let systemCompress: (@convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32) -> Int32)? = {
    guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "compress2") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32) -> Int32).self)
}()

private func compressed(_ input: [UInt8], level: Int32) throws -> [UInt8] {
    let compress = try #require(systemCompress, "libz.so.1 could not be loaded")
    var capacity = UInt(input.count + input.count / 100 + 64)
    var output = [UInt8](repeating: 0, count: Int(capacity))
    let status = output.withUnsafeMutableBufferPointer { out in
        input.withUnsafeBufferPointer { compress(out.baseAddress, &capacity, $0.baseAddress, UInt($0.count), level) }
    }
    try #require(status == 0, "compress2 failed with \(status)")
    return Array(output[0..<Int(capacity)])
}

@Suite struct ZlibTests {
    /// Text-like data (repeats, for back-references), random bytes and runs.
    func inputs() -> [[UInt8]] {
        var generator = SeededGenerator(seed: 7)
        let text = Array(String(repeating: "the density model p(x|θ) and its latent projection; ", count: 400).utf8)
        let random = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let skewed = (0..<50_000).map { _ in UInt8(min(255, Int(-log(Double.random(in: 0.001..<1, using: &generator)) * 8))) }
        let runs = [UInt8](repeating: 42, count: 70_000) + [1, 2, 3]
        return [[], [0], text, random, skewed, runs]
    }

    @Test(arguments: [Int32(0), 1, 6, 9])
    func inflatesWhatSystemZlibCompresses(level: Int32) throws {
        for input in inputs() {
            let stream = try compressed(input, level: level)
            #expect(try Zlib.inflate(stream, format: .zlib) == input, "level \(level), \(input.count) bytes")
            // The same deflate data without the zlib header and Adler-32 trailer.
            let raw = Array(stream[2..<(stream.count - 4)])
            #expect(try Zlib.inflate(raw, format: .raw) == input)
        }
    }

    @Test func corruptOrTruncatedDataThrow() throws {
        let input = Array(String(repeating: "abcdefgh", count: 500).utf8) + (0..<255).map { UInt8($0) }
        let stream = try compressed(input, level: 9)
        #expect(throws: ZlibError.self) { try Zlib.inflate(Array(stream.dropLast(8)), format: .zlib) }
        var badCheck = stream
        badCheck[badCheck.count - 1] ^= 0xff
        #expect(throws: ZlibError.self) { try Zlib.inflate(badCheck, format: .zlib) }
        #expect(throws: ZlibError.self) { try Zlib.inflate([0x78, 0x9c ^ 1, 0, 0, 0, 0], format: .zlib) }
        #expect(throws: ZlibError.self) { try Zlib.inflate([0x07], format: .raw) }  // block type 3
        #expect(throws: ZlibError.self) { try Zlib.inflate([], format: .raw) }
    }

    @Test func adler32MatchesTheRFCExample() {
        #expect(Zlib.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Zlib.adler32([]) == 1)
    }
}
