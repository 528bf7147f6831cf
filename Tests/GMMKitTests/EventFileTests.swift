import CGMMSupport
import Foundation
import Testing
import GMMTestSupport
@testable import GMMKit

/// The readers behind `DataTable.read`: .npz (stored and deflated members), HDF5 (through the
/// HDF5 C library that gmm-gpu loads), CSV; corrupt and truncated files give one clear error.
@Suite struct EventFileTests {
    /// Three columns of different magnitudes, 1-D each.
    static let a: [Double] = [0.5, 1.25, -3, 8, 1e-7, 42]
    static let b: [Double] = [10, 20, 30, 40, 50, 60]
    static let k: [Double] = [0, 1, 2, 3, 2, 1]

    /// HDF5 must be installed where the tests run (CI installs it with `make deps`).
    static func requireHDF5() throws {
        do {
            _ = try HDF5Library.serialized { try HDF5Library.api() }
        } catch {
            Issue.record("the HDF5 C library is needed for the HDF5 tests and could not be loaded: \(error)")
            throw error
        }
    }

    /// Every HDF5 object that gmm-gpu opened is closed again (files left open would be taken for
    /// new files that reuse their inode, and keep HDF5 from closing at exit).
    static func expectNothingOpen(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(HDF5Library.serialized { gmm_hdf5_open_object_count() } == 0, "HDF5 objects left open", sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true]) func npzNamedMembersRoundTrip(compressed: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let archive = NpzArchive(members: [
            ("a", try NpyArray(shape: [6], doubles: Self.a)),
            ("b", try NpyArray(shape: [6], floats: Self.b.map(Float.init))),
            ("x", try NpyArray(shape: [6, 2], doubles: zip(Self.a, Self.k).flatMap { [$0, $1] })),
        ])
        let path = directory.file("events.npz")
        try archive.write(toFile: path, compressed: compressed)
        #expect(try NpzArchive(contentsOfFile: path) == archive)
        let table = try DataTable.read(path)
        #expect(table.columnNames == ["a", "b", "x[0]", "x[1]"])
        #expect(try table.selecting(["b", "a", "x[1]"]) == (0..<6).flatMap { [Self.b[$0], Self.a[$0], Self.k[$0]] })
        // One member by name.
        #expect(try DataTable.read(path, dataset: "x").values == zip(Self.a, Self.k).flatMap { [$0, $1] })
        #expect(try DataTable.read(path, dataset: "a").columnNames == ["a"])
        #expect(throws: DataTableError.missingDataset(path: path, dataset: "y", available: ["a", "b", "x"])) {
            try DataTable.read(path, dataset: "y")
        }
        // Deflated members are smaller for compressible data and stored members are not.
        let stored = try directory.read("events.npz").count
        #expect(compressed ? stored < 3 * 128 + 6 * 8 * 4 : stored > 3 * 128 + 6 * 8 * 4)
    }

    @Test func npzWithOneMatrixIsPositional() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("one.npz")
        try NpzArchive(members: [("arr_0", try NpyArray(shape: [3, 2], doubles: [1, 2, 3, 4, 5, 6]))]).write(toFile: path, compressed: true)
        let table = try DataTable.read(path)
        #expect(table.columnNames == nil && table.rows == 3 && table.columns == 2 && table.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func damagedNpzIsReportedAsSuch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("d.npz")
        try NpzArchive(members: [("a", try NpyArray(shape: [200], doubles: (0..<200).map { Double($0 % 7) }))]).write(toFile: path, compressed: true)
        let bytes = try directory.read("d.npz")
        // Truncated: the end-of-archive record is gone.
        try directory.write(Array(bytes.prefix(bytes.count / 2)), to: "t.npz")
        #expect(throws: DataTableError.corrupt(path: directory.file("t.npz"), detail: "no end-of-archive record: the zip archive is truncated")) {
            try DataTable.read(directory.file("t.npz"))
        }
        // A flipped byte inside the deflate data: inflate or the CRC-32 check fails.
        var damaged = bytes
        damaged[60] ^= 0xFF
        try directory.write(damaged, to: "c.npz")
        do {
            _ = try DataTable.read(directory.file("c.npz"))
            Issue.record("a damaged archive was read")
        } catch let DataTableError.corrupt(path, detail) {
            #expect(path == directory.file("c.npz") && detail.hasPrefix("member 'a.npy':"), "\(detail)")
        }
        // Not a zip archive at all.
        try directory.write(Array("mjj,njet\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n".utf8), to: "text.npz")
        #expect(throws: DataTableError.corrupt(path: directory.file("text.npz"), detail: "not a zip archive (an .npz file is one)")) {
            try DataTable.read(directory.file("text.npz"))
        }
    }

    /// A zip bomb: a member whose deflate data inflate far beyond the size its directory entry
    /// declares stops at that size (bounded memory), and a declared size deflate cannot reach
    /// from the compressed one is refused before inflating.
    @Test func npzMemberInflatingBeyondItsDeclaredSizeIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // An array of 109 float64 (1,000 bytes with its header) followed by 32 MB of zeros: the
        // header agrees with a declared size of 1,000 bytes, the deflate data go on far beyond.
        var zip = ZipWriter()
        let array = try NpyArray(shape: [109], doubles: [Double](repeating: 0, count: 109)).encoded()
        #expect(array.count == 1000)
        try zip.add(name: "a.npy", data: array + [UInt8](repeating: 0, count: 32_000_000), compress: true)
        let bytes = zip.finished()
        #expect(bytes.count < 100_000)
        // The central directory entry's uncompressed size (offset 24 after its signature).
        let signature: [UInt8] = [0x50, 0x4b, 1, 2]
        let found = (0..<(bytes.count - 4)).last { (i: Int) -> Bool in Array(bytes[i..<(i + 4)]) == signature }
        let central = try #require(found)
        func declaring(_ size: UInt32) -> [UInt8] {
            var patched = bytes
            for k in 0..<4 { patched[central + 24 + k] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(k))) }
            return patched
        }
        try directory.write(declaring(1000), to: "bomb.npz")
        #expect(throws: DataTableError.corrupt(path: directory.file("bomb.npz"),
                                               detail: "member 'a.npy': deflate data are damaged (the data inflate to more than the 1000 bytes declared)")) {
            try DataTable.read(directory.file("bomb.npz"))
        }
        try directory.write(declaring(4_000_000_000), to: "huge.npz")
        do {
            _ = try DataTable.read(directory.file("huge.npz"))
            Issue.record("an impossible declared size was inflated")
        } catch let DataTableError.corrupt(_, detail) {
            #expect(detail.contains("declares 4000000000 bytes") && detail.contains("more than deflate can produce"), "\(detail)")
        }
    }

    /// A member whose npy header needs far fewer bytes than the member declares is refused
    /// from its header, before the rest is inflated: here the rest is 32 MB of zeros with damaged
    /// deflate data at their end, which a full inflation would report instead.
    @Test func npzMemberLargerThanItsHeaderNeedsIsRefusedBeforeInflating() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let array = try NpyArray(shape: [10], doubles: (0..<10).map(Double.init)).encoded()
        var zip = ZipWriter()
        try zip.add(name: "a.npy", data: array + [UInt8](repeating: 0, count: 32_000_000), compress: true)
        var bytes = zip.finished()
        let signature: [UInt8] = [0x50, 0x4b, 1, 2]
        let central = try #require((0..<(bytes.count - 4)).last { (i: Int) -> Bool in Array(bytes[i..<(i + 4)]) == signature })
        for k in 0..<8 { bytes[central - 40 + k] ^= 0x5A }
        try directory.write(bytes, to: "long.npz")
        let path = directory.file("long.npz")
        #expect(throws: NpyError.trailingData(path: "\(path)[a]", expectedBytes: 80, gotBytes: 32_000_000 + array.count - 128)) {
            try DataTable.read(path)
        }
    }

    /// Messages quote untrusted input within caps: a header of 100,000 names, a name of a
    /// million characters and a binary file's bytes give one short line that says what it left out.
    @Test func messagesCapWhatTheyQuote() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let names = (0..<100_000).map { "c\($0)" }
        try directory.write(Array((names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n").utf8), to: "wide.csv")
        let wide = try #require(throws: DataTableError.self) { try DataTable.read(directory.file("wide.csv")).selecting(["m_ll"]) }
        #expect(wide.description.count < 600 && wide.description.contains("c19, … and 99980 more"), "\(wide.description.prefix(700))")
        let long = String(repeating: "x", count: 1_000_000)
        try directory.write(Array("\(long),y\n1,2\n".utf8), to: "long.csv")
        let longError = try #require(throws: DataTableError.self) { try DataTable.read(directory.file("long.csv")).selecting(["m_ll"]) }
        #expect(longError.description.count < 600 && longError.description.contains("… (999880 more characters)"), "\(longError.description.prefix(700))")
        let binary = DataTableError.missingColumn(path: "b.csv", column: "m_ll", available: ["\u{0}\u{7}ELF\u{1}"])
        #expect(binary.description == "b.csv: no column 'm_ll'; the header has \\u{0}\\u{7}ELF\\u{1}.")
        // Advice after the names stays whole.
        let advised = DataTableError.missingColumn(path: "p.csv", column: "t", available: names + ["(or fix it for the file: p.csv@t=VALUE)"])
        #expect(advised.description.hasSuffix("… and 99980 more, (or fix it for the file: p.csv@t=VALUE)."))
    }

    @Test func hdf5DatasetsGroupsAndTables() throws {
        try Self.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.h5")
        let matrix = zip(Self.a, Self.b).flatMap { [$0, $1] }
        try HDF5Writer.write([
            .dataset(name: "a", shape: [6], values: Self.a, storage: .float64),
            .dataset(name: "b", shape: [6], values: Self.b, storage: .float32),
            .dataset(name: "k", shape: [6], values: Self.k, storage: .int64),
            .group("sim"),
            .dataset(name: "sim/matrix", shape: [6, 2], values: matrix, storage: .float64),
            .group("tables"),
            .table(name: "tables/events", columns: [("mjj", Self.b), ("njet", Self.k)]),
        ], to: path)
        // The root group: its 1-D datasets are named columns (groups are skipped).
        let root = try DataTable.read(path)
        #expect(root.columnNames == ["a", "b", "k"])
        #expect(try root.selecting(["k", "a", "b"]) == (0..<6).flatMap { [Self.k[$0], Self.a[$0], Self.b[$0]] })
        // A 2-D dataset is positional; a group holding only it reads the same.
        let byPath = try DataTable.read(path, dataset: "/sim/matrix")
        #expect(byPath.columnNames == nil && byPath.columns == 2 && byPath.values == matrix)
        #expect(try DataTable.read(path, dataset: "sim").values == matrix)
        // A compound dataset: one column per field.
        let table = try DataTable.read(path, dataset: "tables/events")
        #expect(table.columnNames == ["mjj", "njet"] && table.values == zip(Self.b, Self.k).flatMap { [$0, $1] })
        // A 1-D dataset alone is a column named by it.
        #expect(try DataTable.read(path, dataset: "k").columnNames == ["k"])
        #expect(throws: DataTableError.missingDataset(path: path, dataset: "nope", available: ["a", "b", "k", "sim", "tables"])) {
            try DataTable.read(path, dataset: "nope")
        }
        // DataTable.write to .h5 reads back by name.
        try DataTable.write(matrix, columns: ["a", "b"], to: directory.file("out.h5"))
        #expect(try DataTable.read(directory.file("out.h5")).selecting(["a", "b"]) == matrix)
        Self.expectNothingOpen()
    }

    /// Chunked, gzip-compressed datasets (with and without the shuffle filter, as h5py writes
    /// them) read back exactly; the file is really compressed.
    @Test func compressedHDF5ReadsBackExactly() throws {
        try Self.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = 20_000  // five chunks of 4096 rows, the last one partial
        let matrix = (0..<rows * 3).map { Double(($0 * 7919) % 1000) / 8 }  // exact in float32, repetitive
        let column = (0..<rows).map { Double($0 % 17) - 8.5 }
        try HDF5Writer.write([
            .dataset(name: "events", shape: [rows, 3], values: matrix, storage: .float32, compression: .deflate(level: 4, shuffle: true)),
            .group("extra"),
            .dataset(name: "extra/x", shape: [rows], values: column, storage: .float64, compression: .deflate(level: 9, shuffle: false)),
        ], to: directory.file("gzip.h5"))
        let events = try DataTable.read(directory.file("gzip.h5"), dataset: "events")
        #expect(events.rows == rows && events.columns == 3 && events.values == matrix)
        #expect(try DataTable.read(directory.file("gzip.h5"), dataset: "extra").values == column)
        let rawBytes = rows * 3 * 4 + rows * 8
        #expect(try directory.read("gzip.h5").count < rawBytes / 4, "the datasets were not compressed")
        Self.expectNothingOpen()
    }

    /// A dataset compressed with a filter the HDF5 library lacks (LZF here, which h5py writes
    /// with `compression="lzf"`) is named in the error, not reported as a damaged file.
    @Test func unavailableHDF5FilterIsNamed() throws {
        try Self.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try HDF5Writer.write([.dataset(name: "a", shape: [5000], values: (0..<5000).map(Double.init), storage: .float64,
                                       compression: .deflate(level: 1, shuffle: false))], to: directory.file("gzip.h5"))
        // The filter pipeline message (version 1, HDF5's default format) stores each filter as
        // id (2 bytes), name length, flags, value count, then the name: turn deflate (id 1) into
        // LZF (id 32000), a filter Debian's HDF5 does not have.
        var bytes = try directory.read("gzip.h5")
        let name = Array("deflate\0".utf8)
        let at = (8...(bytes.count - name.count)).filter { Array(bytes[$0..<$0 + name.count]) == name }
        try #require(at.count == 1, "expected one filter pipeline message naming deflate, found \(at.count)")
        try #require(bytes[at[0] - 8] == 1 && bytes[at[0] - 7] == 0, "the filter id before the name is not deflate's")
        bytes[at[0] - 8] = UInt8(32000 & 0xff)
        bytes[at[0] - 7] = UInt8(32000 >> 8)
        try directory.write(bytes, to: "lzf.h5")
        #expect(throws: DataTableError.unavailableFilter(path: directory.file("lzf.h5"), dataset: "a", filter: "LZF (HDF5 filter 32000)")) {
            try DataTable.read(directory.file("lzf.h5"), dataset: "a")
        }
        #expect(try DataTable.read(directory.file("gzip.h5"), dataset: "a").values == (0..<5000).map(Double.init))
        Self.expectNothingOpen()
    }

    /// A child process started while HDF5 has a file open inherits HDF5's descriptor, and with it
    /// the file's lock. The writer's temporary file is written without a lock, so a file just
    /// written can be read at once while other threads start processes. (With the lock, about
    /// 1 read in 140 failed here: the renamed file was still locked by a child.)
    @Test func hdf5FileIsReadableWhileProcessesStart() throws {
        try Self.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let spawner = Spawner()
        spawner.start()
        var failures = 0
        let values = (0..<100).map(Double.init)
        for i in 0..<2000 {
            let path = directory.file("f\(i % 7).h5")
            try HDF5Writer.write([.dataset(name: "a", shape: [100], values: values, storage: .float64)], to: path)
            if (try? DataTable.read(path).values) != values { failures += 1 }
        }
        spawner.stop()
        #expect(failures == 0, "\(failures) of 2000 files could not be read right after they were written")
        Self.expectNothingOpen()
    }

    @Test func truncatedHDF5IsReportedAsSuch() throws {
        try Self.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try HDF5Writer.write([.dataset(name: "a", shape: [5000], values: (0..<5000).map(Double.init), storage: .float64)],
                             to: directory.file("full.h5"))
        let bytes = try directory.read("full.h5")
        try directory.write(Array(bytes.prefix(bytes.count - 20_000)), to: "cut.h5")
        do {
            let table = try DataTable.read(directory.file("cut.h5"))
            Issue.record("a truncated HDF5 file was read: \(table.rows) rows")
        } catch let DataTableError.corrupt(path, detail) {
            #expect(path == directory.file("cut.h5") && detail.contains("truncated"), "\(detail)")
        }
        // The failed read leaves no records on this thread's HDF5 error stack: they would keep
        // HDF5 from closing at exit ("HDF5: infinite loop closing library").
        #expect(HDF5Library.serialized { gmm_hdf5_error_count() } == 0)
        try directory.write(Array(repeating: 7, count: 4096), to: "junk.h5")
        #expect(throws: DataTableError.corrupt(path: directory.file("junk.h5"), detail: "HDF5 could not open it: not an HDF5 file, or truncated or damaged")) {
            try DataTable.read(directory.file("junk.h5"))
        }
        Self.expectNothingOpen()
    }

    @Test func csvAndNpyReadByTheSameEntryPoint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array("a, b\n1.5,2\n\n-3,4e2\n".utf8), to: "t.csv")
        let csv = try DataTable.read(directory.file("t.csv"))
        #expect(csv.columnNames == ["a", "b"] && csv.values == [1.5, 2, -3, 400])
        try DataTable.write([1, 2, 3, 4], columns: ["p", "q"], to: directory.file("t.npz"))
        #expect(try DataTable.read(directory.file("t.npz")).selecting(["q", "p"]) == [2, 1, 4, 3])
        #expect(throws: DataTableError.invalidSource(text: "\(directory.file("t.csv"))#x", reason: "only .npz and HDF5 files hold named datasets; remove '#x'")) {
            try DataTable.read(directory.file("t.csv"), dataset: "x")
        }
        #expect(throws: DataTableError.unsupportedFormat(path: directory.file("t.root"))) { try DataTable.read(directory.file("t.root")) }
    }

    @Test("a CSV file of several MB, parsed in chunks on all cores, reads as one; errors name their row in the whole file")
    func largeCSVInChunks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 80k rows × 3 (≈ 3.3 MB: more than one 1 MB chunk per core), blank lines and CRLF among them.
        let rows = 80_000
        var text = "u,v,w\n"
        var expected: [Double] = []
        for r in 0..<rows {
            let row = [Double(r), Double(r) * 0.001 - 7.25, 1e-3 / Double(r + 1)]
            expected += row
            text += row.map { "\($0)" }.joined(separator: ",") + (r % 997 == 0 ? "\r\n\n" : "\n")
        }
        #expect(text.utf8.count > 3_000_000)
        try directory.write(Array(text.utf8), to: "big.csv")
        let table = try DataTable.read(directory.file("big.csv"))
        #expect(table.rows == rows && table.columns == 3 && table.values == expected)
        // A bad value late in the file (in the last chunk) and one early: each named by its row.
        for bad in [rows - 10, 5] {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let index = lines.indices.dropFirst().filter { !Substring(lines[$0]).trimmingCharacters().isEmpty }[bad]
            lines[index] = "1,x\(bad),2"
            try directory.write(Array(lines.joined(separator: "\n").utf8), to: "bad.csv")
            #expect(throws: DataTableError.notANumber(path: directory.file("bad.csv"), row: bad, column: "v", text: "x\(bad)")) {
                try DataTable.read(directory.file("bad.csv"))
            }
            lines[index] = "1,2"
            try directory.write(Array(lines.joined(separator: "\n").utf8), to: "short.csv")
            #expect(throws: DataTableError.fieldCount(path: directory.file("short.csv"), row: bad, expected: 3, got: 2)) {
                try DataTable.read(directory.file("short.csv"))
            }
        }
    }
}

/// Starts a short-lived child process (`sleep 0.2`) every 10 ms on a thread of its own until
/// stopped; `stop()` waits for the thread and reaps the children.
private final class Spawner: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var children: [pid_t] = []
    private var thread: Thread?

    func start() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                var pid: pid_t = 0
                let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("0.2"), nil]
                if posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ) == 0 { lock.withLock { children.append(pid) } }
                for p in argv { free(p) }
                usleep(10_000)
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        while thread?.isFinished == false { usleep(1000) }
        for pid in lock.withLock({ children }) {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
