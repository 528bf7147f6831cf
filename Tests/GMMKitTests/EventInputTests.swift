import Testing
import GMMTestSupport
@testable import GMMKit

/// `EventInput`: several files, θ fixed per file or in columns, weights, the selection by the
/// observables' intervals with its efficiencies, and one clear error per kind of bad input.
@Suite struct EventInputTests {
    /// m continuous on [0, 10], n integer on [0, 3]; one parameter c.
    static let config = TestModels.config([TestModels.continuous("m", 0, 10), TestModels.integer("n", 0, 3)],
                                          parameters: ["c"], reference: [0])

    @Test func sourceSyntax() throws {
        let full = try EventSource(parsing: "runs/a.h5#/sim/events@c=0.25,d=-1e-3")
        #expect(full == EventSource(path: "runs/a.h5", dataset: "/sim/events", fixedTheta: ["c": 0.25, "d": -0.001]))
        #expect(try EventSource(parsing: "x.npz#x") == EventSource(path: "x.npz", dataset: "x"))
        #expect(try EventSource(parsing: "me@home/x.csv") == EventSource(path: "me@home/x.csv"))
        #expect(try EventSource(parsing: "x.csv@c=1") == EventSource(path: "x.csv", fixedTheta: ["c": 1]))
        #expect(try EventSource(parsing: full.description) == full)
        #expect(throws: DataTableError.invalidSource(text: "x.npy@c=abc", reason: "the value of c, 'abc', is not a finite number")) {
            try EventSource(parsing: "x.npy@c=abc")
        }
        #expect(throws: DataTableError.invalidSource(text: "x.npy@c=1,c=2", reason: "c is given twice")) { try EventSource(parsing: "x.npy@c=1,c=2") }
        #expect(throws: DataTableError.invalidSource(text: "x.npy@c=1,2", reason: "'2' is not NAME=VALUE; write the fixed θ as FILE@cx=0.2,cy=-0.5")) {
            try EventSource(parsing: "x.npy@c=1,2")
        }
        #expect(throws: DataTableError.invalidSource(text: "x.h5#@c=1", reason: "nothing after '#'; write FILE#DATASET (e.g. events.h5#/sim/events) or leave out the '#'")) {
            try EventSource(parsing: "x.h5#@c=1")
        }
    }

    @Test("data read as observed events: FILE@θ declares the θ they were simulated at, a θ column of the same name is ignored, partial or differing declarations are refused")
    func simulatedThetaOfObservedEvents() throws {
        let two = TestModels.config([TestModels.continuous("m", 0, 10)], parameters: ["c", "d"], reference: [0, 0])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try NpzArchive(members: [("m", try NpyArray(shape: [3], doubles: [1, 2, 3])), ("c", try NpyArray(shape: [3], doubles: [7, 7, 7]))])
            .write(toFile: directory.file("a.npz"), compressed: false)
        let path = directory.file("a.npz")
        let declared = EventInput(sources: [try EventSource(parsing: "\(path)@c=0.5,d=-1")], applySelection: false)
        #expect(try declared.readObserved(for: two).x == [1, 2, 3])
        #expect(try declared.simulatedTheta(for: two) == [0.5, -1])
        #expect(try EventInput(sources: [try EventSource(parsing: path)]).simulatedTheta(for: two) == nil)
        func reason(_ sources: [String]) -> String {
            do { _ = try EventInput(sources: try sources.map(EventSource.init(parsing:))).simulatedTheta(for: two); return "" } catch { return "\(error)" }
        }
        #expect(reason(["\(path)@c=0.5"]).contains("give every parameter (missing d)"))
        #expect(reason(["\(path)@c=0.5,e=1"]).contains("θ e is declared"))
        #expect(reason(["\(path)@c=0.5,d=1", "\(path)@c=0.5,d=2"]).contains("declare different θ"))
        #expect(reason(["\(path)@c=0.5,d=1", path]).contains("declare it for this one too"))
        #expect(reason([path, "\(path)@c=0.5,d=1"]).contains("declare it for every file or none"))
    }

    @Test func severalFilesWithThetaFixedPerFileAndSelection() throws {
        try EventFileTests.requireHDF5()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // File A at c = -1: m = 11 and m = -0.5 are outside [0, 10], n = 4 outside [0, 3].
        let mA: [Double] = [1, 11, 2.5, -0.5, 9.75, 3], nA: [Double] = [0, 1, 4, 2, 3, 1]
        try NpzArchive(members: [("m", try NpyArray(shape: [6], doubles: mA)), ("n", try NpyArray(shape: [6], doubles: nA)),
                                 ("weight", try NpyArray(shape: [6], doubles: [1, 1, 1, 1, 2, 2]))])
            .write(toFile: directory.file("a.npz"), compressed: true)
        // File B at c = 2: a compound table, every event inside.
        try HDF5Writer.write([.group("sim"), .table(name: "sim/events", columns: [("n", [3, 0]), ("m", [0, 10])])], to: directory.file("b.h5"))
        let input = EventInput(sources: [try EventSource(parsing: directory.file("a.npz") + "@c=-1"),
                                         try EventSource(parsing: directory.file("b.h5") + "#sim/events@c=2")])
        let loaded = try input.read(for: Self.config)
        #expect(loaded.events.x == [1, 0, 9.75, 3, 3, 1, 0, 3, 10, 0])
        #expect(loaded.events.theta == [-1, -1, -1, 2, 2])
        #expect(loaded.events.weights == [1, 2, 2, 1, 1])
        let report = loaded.selection
        #expect(report.files.map(\.read) == [6, 2] && report.files.map(\.accepted) == [3, 2])
        #expect(report.files[0].weightRead == 8 && report.files[0].weightAccepted == 5)
        #expect(report.points.map(\.theta) == [[-1], [2]] && report.points.map(\.accepted) == [3, 2])
        #expect(report.points[0].label == "c=-1.0" && report.files[1].label == directory.file("b.h5") + "#sim/events")
        #expect(report.read == 8 && report.accepted == 5 && report.efficiency == 5.0 / 8)
        #expect(report.rejectedBy.map(\.observable) == ["m", "n"] && report.rejectedBy.map(\.count) == [2, 1])
        // Without the selection (evaluation) every event is kept.
        var evaluation = input
        evaluation.applySelection = false
        #expect(try evaluation.read(for: Self.config).events.count == 8)
    }

    @Test func thetaFromColumnsGivesOnePointPerValue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array("c,m,n,w\n0,1,1,1\n0,20,1,1\n1,2,2,0.5\n0,3,3,1\n".utf8), to: "e.csv")
        let loaded = try EventInput(sources: [EventSource(path: directory.file("e.csv"))], weightColumn: "w").read(for: Self.config)
        #expect(loaded.events.theta == [0, 1, 0] && loaded.events.weights == [1, 0.5, 1])
        #expect(loaded.selection.points.map(\.theta) == [[0], [1]])
        #expect(loaded.selection.points.map(\.read) == [3, 1] && loaded.selection.points.map(\.accepted) == [2, 1])
        // A positional .npy file: observables, then θ, then the weight.
        try NpyArray(shape: [2, 4], doubles: [1, 2, 0.5, 3, 4, 1, -0.5, 1]).write(toFile: directory.file("p.npy"))
        let positional = try EventInput(sources: [EventSource(path: directory.file("p.npy"))]).read(for: Self.config).events
        #expect(positional.x == [1, 2, 4, 1] && positional.theta == [0.5, -0.5] && positional.weights == [3, 1])
    }

    /// The error for `csv` (a CSV file's text) read with `source` options appended to its path.
    static func error(csv: String, suffix: String = "", thetaFile: String? = nil) throws -> (String, DataTableError?) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array(csv.utf8), to: "e.csv")
        do {
            _ = try EventInput(sources: [try EventSource(parsing: directory.file("e.csv") + suffix)]).read(for: Self.config)
            return (directory.file("e.csv"), nil)
        } catch let error as DataTableError {
            return (directory.file("e.csv"), error)
        }
    }

    @Test func badInputGetsOneClearError() throws {
        var (path, error) = try Self.error(csv: "m,n,c\n1,1,0\n2,nan,0\n")
        #expect(error == .nonFinite(path: path, row: 1, column: "n", value: .nan) || "\(error!)".contains("row 1, column 'n' is nan"))
        (path, error) = try Self.error(csv: "m,n,c\n1,1,0\n2,1.5,0\n")
        #expect(error == .nonInteger(path: path, row: 1, column: "n", value: 1.5))
        (path, error) = try Self.error(csv: "m,k,c\n1,1,0\n")
        #expect(error == .missingColumn(path: path, column: "n", available: ["m", "k", "c"]))
        (path, error) = try Self.error(csv: "m,n\n1,1\n")
        #expect(error == .missingColumn(path: path, column: "c", available: ["m", "n", "(or fix it for the file: \(path)@c=VALUE)"]))
        (path, error) = try Self.error(csv: "m,n,c\n1,1,0\n", suffix: "@c=2")
        #expect(error == .invalidSource(text: "\(path)@c=2.0", reason: "θ c is fixed for the file and is also a column of it; remove one"))
        (path, error) = try Self.error(csv: "m,n\n1,1\n", suffix: "@c=2,d=1")
        #expect(error == .invalidSource(text: "\(path)@c=2.0,d=1.0", reason: "θ d is fixed, but the model's parameters are c"))
        (path, error) = try Self.error(csv: "m,n,c\n-1,1,0\n12,1,0\n")
        #expect(error == .emptySelection(path: path, rows: 2, detail: "first event: m = -1.0 (interval [0.0, 10.0]), n = 1.0 (interval [0.0, 3.0])"))
        (path, error) = try Self.error(csv: "m,n,c\n1,1\n")
        #expect(error == .fieldCount(path: path, row: 0, expected: 3, got: 2))
        #expect("\(DataTableError.nonFinite(path: "f.csv", row: 1, column: "n", value: .nan))" == "f.csv: row 1, column 'n' is nan; values must be finite.")
    }

    @Test func positionalShapeMustFitTheConfig() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("p.npy")
        try NpyArray(shape: [2, 5], doubles: Array(repeating: 1, count: 10)).write(toFile: path)
        #expect(throws: DataTableError.shape(path: path, expected: "[N, D] with D in {2, 3, 4}: the observables m, n, then θ c, then optionally the weight", got: "[2, 5]")) {
            try EventInput(sources: [EventSource(path: path)]).read(for: Self.config)
        }
        try NpyArray(shape: [2, 3], doubles: [1, 1, 0, 2, 2, .infinity]).write(toFile: path)
        #expect(throws: DataTableError.nonFinite(path: path, row: 1, column: "c", value: .infinity)) {
            try EventInput(sources: [EventSource(path: path)]).read(for: Self.config)
        }
        // θ fixed for the file: D = d (or d + 1 with a weight).
        try NpyArray(shape: [2, 2], doubles: [1, 1, 2, 2]).write(toFile: path)
        #expect(try EventInput(sources: [EventSource(path: path, fixedTheta: ["c": 0.5])]).read(for: Self.config).events.theta == [0.5, 0.5])
        // A θ file with the wrong number of rows.
        try NpyArray(shape: [3], doubles: [0, 0, 0]).write(toFile: directory.file("t.npy"))
        #expect(throws: DataTableError.shape(path: directory.file("t.npy"), expected: "2 rows (one per event of \(path))", got: "3 rows")) {
            try EventInput(sources: [EventSource(path: path)], thetaFile: directory.file("t.npy")).read(for: Self.config)
        }
    }
}
