import Testing
@testable import GMMKit

@Suite struct AtomicFileWriteTests {
    private struct Abort: Error {}

    @Test func writesAndReplacesWithoutLeftovers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("out.bin")
        try writeFileAtomically([1, 2, 3], to: path)
        #expect(try directory.read("out.bin") == [1, 2, 3])
        try writeFileAtomically([9, 8], to: path)
        #expect(try directory.read("out.bin") == [9, 8])
        try writeFileAtomically([], to: path)
        #expect(try directory.read("out.bin") == [])
        #expect(try directory.contents() == ["out.bin"])
    }

    @Test func aFailingWriterLeavesTheOldFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keep.bin")
        try writeFileAtomically([7, 7, 7], to: path)
        #expect(throws: Abort.self) {
            try writeFileAtomically(to: path) { writer in
                try writer.write([1, 2, 3, 4])
                throw Abort()
            }
        }
        #expect(try directory.read("keep.bin") == [7, 7, 7])
        #expect(try directory.contents() == ["keep.bin"])
    }

    @Test func aMissingDirectoryIsAFileIOError() throws {
        let error = try #require(throws: FileIOError.self) {
            try writeFileAtomically([1], to: "/nonexistent-gmmkit-dir/x.bin")
        }
        #expect(error.path == "/nonexistent-gmmkit-dir/x.bin")
        #expect(error.description.contains("No such file or directory"))
    }

    @Test func renamingOntoADirectoryFailsCleanly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeFileAtomically([1], to: directory.file("a.bin"))
        #expect(throws: FileIOError.self) {
            try writeFileAtomically([1], to: directory.path)
        }
        #expect(try directory.contents() == ["a.bin"])
    }
}
