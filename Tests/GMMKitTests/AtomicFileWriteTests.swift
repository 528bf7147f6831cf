#if canImport(Glibc)
import Glibc
#endif
import Testing
import GMMTestSupport
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

    /// A killed write's temporary file goes with the next write to the same path; one a live
    /// writer holds, one just created, and files of other names stay.
    @Test func staleTemporaryFilesOfAKilledWriteAreRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let names = [".out.bin.tmp.AAAAAA", ".out.bin.tmp.BBBBBB", ".out.bin.tmp.CCCCCC", ".other.bin.tmp.DDDDDD", ".out.bin.tmp.toolong", "out.bin.tmp.EEEEEE"]
        for name in names {
            try directory.write([1, 2, 3], to: name)
            if name != ".out.bin.tmp.CCCCCC" { try directory.age(name, seconds: 60) }
        }
        // B is held by a live writer (its lock), C was created a moment ago.
        let held = open(directory.file(".out.bin.tmp.BBBBBB"), O_RDWR)
        #expect(held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0)
        try writeFileAtomically([4], to: directory.file("out.bin"))
        #expect(try directory.contents() == (names.filter { $0 != ".out.bin.tmp.AAAAAA" } + ["out.bin"]).sorted())
        #expect(try directory.read("out.bin") == [4])
        // Unlocked and old: the next write removes it too.
        close(held)
        #expect(removeStaleTemporaryFiles(of: directory.file("out.bin")) == [directory.file(".out.bin.tmp.BBBBBB")])
    }

    /// A FIFO (or device, socket, directory) at the output path is refused and left as it was.
    @Test func anOutputThatIsNotARegularFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe.npy")
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = try #require(throws: FileIOError.self) { try writeFileAtomically([1], to: fifo) }
        #expect(error.description.contains("it exists and is a FIFO"))
        #expect(throws: FileIOError.self) { try writeFileAtomically([1], to: "/dev/null") }
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try directory.contents() == ["pipe.npy"])
    }

    /// A directory output is written as a whole: a new directory appears complete or not at
    /// all, and in an existing one no file is replaced unless every file was written.
    @Test func directoryOutputsAreWrittenAsAWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("out")
        // The second file cannot be written (its directory does not exist, as a full disk fails a write).
        #expect(throws: FileIOError.self) {
            try writeFilesAtomically([("result.json", [1]), ("missing/scan.npy", [2])], into: output)
        }
        #expect(try directory.contents() == [])
        try writeFilesAtomically([("result.json", [1]), ("scan.npy", [2])], into: output + "/")
        #expect(try directory.contents() == ["out"])
        #expect(try directory.contents(of: "out") == ["result.json", "scan.npy"])
        #expect(throws: FileIOError.self) {
            try writeFilesAtomically([("result.json", [3]), ("missing/scan.npy", [4])], into: output)
        }
        #expect(try directory.read("out/result.json") == [1] && directory.read("out/scan.npy") == [2])
        #expect(try directory.contents(of: "out") == ["result.json", "scan.npy"])
        try writeFilesAtomically([("result.json", [5])], into: output)
        #expect(try directory.read("out/result.json") == [5] && directory.read("out/scan.npy") == [2])
        // A path that is a file, not a directory.
        #expect(throws: FileIOError.self) { try writeFilesAtomically([("a", [1])], into: output + "/result.json") }
    }
}
