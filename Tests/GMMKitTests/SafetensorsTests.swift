import Testing
import GMMTestSupport
@testable import GMMKit

/// A hand-made safetensors file: the header text (padded with spaces to `padTo`) and data.
private func safetensorsFile(_ header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    let length = declaredLength ?? UInt64(json.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
}

private let onesAndTwos: [UInt8] = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]  // Float 1, 2

@Suite struct SafetensorsRoundTripTests {
    @Test func tensorsAndMetadataRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = SafetensorsFile(
            tensors: [
                "layer.0.weight": try SafetensorsTensor(shape: [3, 4], floats: (0..<12).map { Float($0) / 7 }),
                "layer.0.bias": try SafetensorsTensor(shape: [4], floats: [1, -1, 0.5, .infinity]),
                "scale": try SafetensorsTensor(shape: [], doubles: [.pi]),
                "empty": try SafetensorsTensor(shape: [0, 5], floats: []),
                "double.matrix": try SafetensorsTensor(shape: [2, 2], doubles: [1e-300, -2, 3, 4]),
            ],
            metadata: ["format": "gmm-gpu", "note": "ü \"quoted\""])
        try file.write(toFile: directory.file("m.safetensors"))
        let back = try SafetensorsFile(contentsOfFile: directory.file("m.safetensors"))
        #expect(back == file)
        #expect(back.tensors["scale"]?.dtype == .float64)
        #expect(back.tensors["layer.0.weight"]?.shape == [3, 4])
        #expect(try directory.contents() == ["m.safetensors"])
    }

    @Test func emptyFileRoundTrips() throws {
        let bytes = try SafetensorsFile().encoded()
        #expect(bytes == safetensorsFile("{}      ", data: []))
        #expect(try SafetensorsFile(bytes: bytes) == SafetensorsFile())
    }

    @Test func encodingIsTheDocumentedLayout() throws {
        let file = SafetensorsFile(tensors: ["a": try SafetensorsTensor(shape: [2], floats: [1, 2])])
        let header = #"{"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#
        #expect(header.utf8.count == 54)
        #expect(try file.encoded() == safetensorsFile(header + "  ", data: onesAndTwos))
    }

    @Test func reservedNamesCannotBeWritten() throws {
        let tensor = try SafetensorsTensor(shape: [1], floats: [0])
        #expect(throws: SafetensorsError.reservedName("__metadata__")) {
            try SafetensorsFile(tensors: ["__metadata__": tensor]).encoded()
        }
        #expect(throws: SafetensorsError.reservedName("")) {
            try SafetensorsFile(tensors: ["": tensor]).encoded()
        }
        #expect(throws: SafetensorsError.shapeMismatch(shape: [2, 2], expectedCount: 4, gotCount: 3)) {
            try SafetensorsTensor(shape: [2, 2], floats: [1, 2, 3])
        }
    }
}

@Suite struct SafetensorsReadingTests {
    @Test func readsHandMadeFiles() throws {
        let header = """
            {
              "__metadata__": {"format": "pt"},
              "b": {"shape": [1], "dtype": "F32", "data_offsets": [4, 8]},
              "a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
              "z": {"dtype": "F64", "shape": [0], "data_offsets": [8, 8]}
            }   \("")
            """
        let file = try SafetensorsFile(bytes: safetensorsFile(header, data: onesAndTwos))
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors["a"]?.floats == [1])
        #expect(file.tensors["b"]?.floats == [2])
        #expect(file.tensors["b"]?.shape == [1])
        #expect(file.tensors["z"]?.doubles == [])
    }

    /// Parses `bytes` and returns the error it must give.
    private func error(_ bytes: [UInt8]) throws -> SafetensorsError {
        try #require(throws: SafetensorsError.self) { try SafetensorsFile(bytes: bytes, source: "t.safetensors") }
    }

    @Test func tooSmallAndBadHeaderLengths() throws {
        #expect(try error([1, 2, 3]) == .fileTooSmall(path: "t.safetensors", size: 3))
        let tooLong = safetensorsFile("{}", data: [], declaredLength: 1000)
        #expect(try error(tooLong) == .headerLengthOutOfRange(path: "t.safetensors", declared: 1000, maximum: 2))
        let huge = safetensorsFile("{}", data: [], declaredLength: UInt64.max)
        #expect(try error(huge) == .headerLengthOutOfRange(path: "t.safetensors", declared: UInt64.max, maximum: 2))
    }

    @Test(arguments: ["[]", " {}", "{", "{\"a\": 1,}", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{}}", ""])
    func headersThatAreNotAJSONObject(header: String) throws {
        guard case .invalidHeader(let path, _) = try error(safetensorsFile(header, data: [])) else {
            Issue.record("expected invalidHeader for \(header)")
            return
        }
        #expect(path == "t.safetensors")
    }

    @Test(arguments: [
        #"{"a": 3}"#,
        #"{"a": {"dtype": "F32", "shape": [2]}}"#,
        #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "extra": 1}}"#,
        #"{"a": {"dtype": 32, "shape": [2], "data_offsets": [0, 8]}}"#,
        #"{"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}"#,
        #"{"a": {"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}}"#,
        #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}"#,
        #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}"#,
    ])
    func malformedTensorEntries(header: String) throws {
        let found = try error(safetensorsFile(header, data: onesAndTwos))
        guard case .invalidTensorEntry(_, "a", _) = found else {
            Issue.record("expected invalidTensorEntry for \(header), got \(found)")
            return
        }
    }

    @Test func unsupportedDType() throws {
        let header = #"{"a": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}}"#
        let found = try error(safetensorsFile(header, data: onesAndTwos))
        #expect(found == .unsupportedDType(path: "t.safetensors", tensor: "a", got: "BF16"))
        #expect(found.description.contains("expected dtype F32 or F64, got BF16"))
    }

    @Test func sizeAndBoundsAndTiling() throws {
        let mismatch = #"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        #expect(try error(safetensorsFile(mismatch, data: onesAndTwos))
            == .sizeMismatch(path: "t.safetensors", tensor: "a", expectedBytes: 12, gotBytes: 8))
        let outOfBounds = #"{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#
        #expect(try error(safetensorsFile(outOfBounds, data: onesAndTwos))
            == .offsetsOutOfBounds(path: "t.safetensors", tensor: "a", begin: 0, end: 16, bufferSize: 8))
        let overlap = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(try error(safetensorsFile(overlap, data: onesAndTwos))
            == .overlappingTensors(path: "t.safetensors", first: "a", second: "b"))
        let hole = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(try error(safetensorsFile(hole, data: onesAndTwos))
            == .unindexedBytes(path: "t.safetensors", begin: 0, end: 4))
        let trailing = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(try error(safetensorsFile(trailing, data: onesAndTwos))
            == .unindexedBytes(path: "t.safetensors", begin: 4, end: 8))
    }

    @Test func metadataMustBeStrings() throws {
        let header = #"{"__metadata__": {"epochs": 3}}"#
        guard case .invalidMetadata(_, let reason) = try error(safetensorsFile(header, data: [])) else {
            Issue.record("expected invalidMetadata")
            return
        }
        #expect(reason.contains("\"epochs\""))
        let notObject = #"{"__metadata__": "x"}"#
        guard case .invalidMetadata = try error(safetensorsFile(notObject, data: [])) else {
            Issue.record("expected invalidMetadata")
            return
        }
    }

    @Test func missingFileIsAFileIOError() {
        #expect(throws: FileIOError.self) { try SafetensorsFile(contentsOfFile: "/nonexistent-gmmkit/x.safetensors") }
    }
}
