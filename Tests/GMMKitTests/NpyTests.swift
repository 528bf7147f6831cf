import Testing
import GMMTestSupport
@testable import GMMKit

/// What numpy 2.x writes for `np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))`.
private let numpyWritten: [UInt8] = {
    let dictionary = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
    let header = dictionary + [UInt8](repeating: 0x20, count: 58) + [0x0A]
    let data: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40,
        0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xA0, 0x40,
    ]
    return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00] + header + data
}()

/// A hand-made npy file: version, dictionary text and data bytes.
private func npyFile(version: (UInt8, UInt8) = (1, 0), dictionary: String, data: [UInt8]) -> [UInt8] {
    var text = Array(dictionary.utf8)
    let lengthBytes = version.0 == 1 ? 2 : 4
    text += [UInt8](repeating: 0x20, count: (64 - (8 + lengthBytes + text.count + 1) % 64) % 64) + [0x0A]
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version.0, version.1]
    for i in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * i))) }
    return bytes + text + data
}

private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

@Suite struct NpyRoundTripTests {
    @Test func float32MatrixRoundTrips() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let values = (0..<35).map { Float($0) * 0.37 - 3 }
        let array = try NpyArray(shape: [7, 5], floats: values)
        try array.write(toFile: directory.file("a.npy"))
        let back = try NpyArray(contentsOfFile: directory.file("a.npy"))
        #expect(back == array)
        #expect(back.dtype == .float32)
        #expect(back.floats == values)
        #expect(try directory.read("a.npy").count == 128 + 35 * 4)
    }

    @Test func float64VectorRoundTrips() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let values: [Double] = [1, -2.5, .pi, 1e-300, -.infinity, 0]
        let array = try NpyArray(shape: [6], doubles: values)
        try array.write(toFile: directory.file("v.npy"))
        let back = try NpyArray(contentsOfFile: directory.file("v.npy"))
        #expect(back == array)
        #expect(back.shape == [6])
        #expect(back.doubles == values)
    }

    /// Empty arrays (a zero dimension) are allowed, as numpy allows them.
    @Test(arguments: [[0], [0, 3], [4, 0]])
    func emptyArraysRoundTrip(shape: [Int]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let array = try NpyArray(shape: shape, floats: [])
        try array.write(toFile: directory.file("e.npy"))
        let back = try NpyArray(contentsOfFile: directory.file("e.npy"))
        #expect(back == array)
        #expect(back.count == 0)
    }

    @Test func encodingMatchesNumpyByteForByte() throws {
        let array = try NpyArray(shape: [2, 3], floats: [0, 1, 2, 3, 4, 5])
        let bytes = array.encoded()
        #expect(bytes == numpyWritten)
        #expect((bytes.count - 24) % 64 == 0)
    }

    @Test func headersEndInANewlineAt64ByteBoundaries() {
        for shape in [[], [1], [12], [123_456_789, 12], [1, 2, 3, 4, 5]] {
            let header = NpyHeader(descr: "<f8", fortranOrder: false, shape: shape).encoded()
            #expect(header.count % 64 == 0)
            #expect(header.last == 0x0A)
            #expect(header[6] == 1 && header[7] == 0)
            #expect(Int(header[8]) | Int(header[9]) << 8 == header.count - 10)
        }
    }
}

@Suite struct NpyReadingTests {
    @Test func readsWhatNumpyWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(numpyWritten, to: "np.npy")
        let array = try NpyArray(contentsOfFile: directory.file("np.npy"))
        #expect(array.shape == [2, 3])
        #expect(array.floats == [0, 1, 2, 3, 4, 5])
    }

    @Test func readsVersion2IntegersAndOtherSpellings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let int64 = npyFile(version: (2, 0), dictionary: "{\"shape\": (3L,), \"fortran_order\": False, \"descr\": \"<i8\"}",
                            data: littleEndianBytes([Int64(-5), 0, 1 << 40]))
        try directory.write(int64, to: "i8.npy")
        let a = try NpyArray(contentsOfFile: directory.file("i8.npy"))
        #expect(a.shape == [3])
        #expect(a.doubles == [-5, 0, Double(1 << 40)])
        let int32 = npyFile(dictionary: "{'descr': '<i4', 'fortran_order': False, 'shape': (2,1), }",
                            data: littleEndianBytes([Int32(7), Int32(-9)]))
        try directory.write(int32, to: "i4.npy")
        let b = try NpyArray(contentsOfFile: directory.file("i4.npy"))
        #expect(b.shape == [2, 1])
        #expect(b.doubles == [7, -9])
        let scalar = npyFile(dictionary: "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                             data: littleEndianBytes([Double(2.5).bitPattern]))
        try directory.write(scalar, to: "s.npy")
        #expect(try NpyArray(contentsOfFile: directory.file("s.npy")).doubles == [2.5])
    }

    @Test func valueCountMustMatchTheShape() {
        #expect(throws: NpyError.shapeMismatch(shape: [2, 3], expectedCount: 6, gotCount: 5)) {
            try NpyArray(shape: [2, 3], floats: [1, 2, 3, 4, 5])
        }
        #expect(throws: NpyError.invalidShape(shape: [-1])) {
            try NpyArray(shape: [-1], floats: [])
        }
    }
}

@Suite struct NpyCorruptFileTests {
    /// Writes `bytes`, reads them back and returns the error.
    private func readError(_ bytes: [UInt8]) throws -> (NpyError, String) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(bytes, to: "bad.npy")
        let path = directory.file("bad.npy")
        let error = try #require(throws: NpyError.self) { try NpyArray(contentsOfFile: path) }
        #expect(error.description.contains(path))
        return (error, path)
    }

    @Test func badMagic() throws {
        let (error, path) = try readError(Array("PK\u{03}\u{04}not numpy at all".utf8))
        #expect(error == .badMagic(path: path, got: [0x50, 0x4B, 0x03, 0x04, 0x6E, 0x6F]))
        #expect(error.description.contains("\\x93NUMPY"))
    }

    @Test func truncatedPreambleAndHeader() throws {
        let (short, path) = try readError(Array(numpyWritten.prefix(7)))
        #expect(short == .truncatedHeader(path: path, expectedBytes: 10, gotBytes: 7))
        let (cut, path2) = try readError(Array(numpyWritten.prefix(50)))
        #expect(cut == .truncatedHeader(path: path2, expectedBytes: 128, gotBytes: 50))
    }

    @Test func hugeDeclaredHeaderLength() throws {
        let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B]
        let (error, path) = try readError(bytes)
        #expect(error == .truncatedHeader(path: path, expectedBytes: 12 + 0xFFFF_FFFF, gotBytes: 13))
    }

    @Test func unsupportedVersion() throws {
        var bytes = numpyWritten
        bytes[6] = 4
        let (error, path) = try readError(bytes)
        #expect(error == .unsupportedVersion(path: path, major: 4, minor: 0))
    }

    @Test func unparsableHeaders() throws {
        for dictionary in [
            "{'descr': '<f4', 'fortran_order': False}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
            "['descr', '<f4']",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} trailing",
        ] {
            let (error, _) = try readError(npyFile(dictionary: dictionary, data: []))
            guard case .invalidHeader = error else {
                Issue.record("expected invalidHeader for \(dictionary), got \(error)")
                continue
            }
        }
    }

    @Test func fortranOrderIsRejected() throws {
        let (error, path) = try readError(npyFile(dictionary: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                                                  data: [UInt8](repeating: 0, count: 24)))
        #expect(error == .fortranOrder(path: path))
        #expect(error.description.contains("C order"))
    }

    @Test func unsupportedDTypes() throws {
        for descr in ["'>f4'", "'<u2'", "'|b1'", "[('x', '<f4'), ('y', '<f8')]"] {
            let (error, path) = try readError(npyFile(dictionary: "{'descr': \(descr), 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]))
            #expect(error == .unsupportedDType(path: path, got: descr.hasPrefix("'") ? descr : "'\(descr)'"), "\(descr)")
        }
    }

    @Test func dataShorterOrLongerThanTheShape() throws {
        let (short, path) = try readError(Array(numpyWritten.dropLast(5)))
        #expect(short == .truncatedData(path: path, expectedBytes: 24, gotBytes: 19))
        #expect(short.description.contains("expected 24 bytes"))
        let (long, path2) = try readError(numpyWritten + [0])
        #expect(long == .trailingData(path: path2, expectedBytes: 24, gotBytes: 25))
    }

    @Test func missingFileIsAFileIOError() {
        #expect(throws: FileIOError.self) { try NpyArray(contentsOfFile: "/nonexistent-gmmkit/x.npy") }
    }
}
