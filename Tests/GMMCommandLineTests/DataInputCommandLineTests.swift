import GMMKit
import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu train` and `logprob` reading .npz, HDF5 and CSV files with θ fixed per file or in
/// columns, the selection report, and every kind of bad input answered with one error line that
/// names the file (and column and row), exit code 2 and nothing written.
@Suite struct DataInputCommandLineTests {
    /// m continuous on [0, 10], n integer on [0, 3], one parameter c; a small network.
    static let config = """
        observables:
          - {name: m, kind: continuous, interval: [0, 10]}
          - {name: n, kind: integer, interval: [0, 3]}
        parameters: {names: [c], reference: [0]}
        network: {n_gaussians: 4, a1: 8, b1: 8, b2: 2, c: 1, d: 1, categorical_hidden: [8]}
        training: {batch_size: 64, max_epochs: 1, seed: 1}

        """

    /// Events at θ = c: m spread over [0, 10] (a few outside), n cycling 0…3; `count` rows.
    static func columns(count: Int, c: Double) -> (m: [Double], n: [Double]) {
        var m: [Double] = [], n: [Double] = []
        for i in 0..<count {
            let shift: Double = i % 40 == 0 ? -20 : 0
            m.append(0.5 + Double(i % 40) * 0.2 + c + shift)
            n.append(Double(i % 4))
        }
        return (m, n)
    }

    /// A directory with config.yaml, a.npz (c = 0, deflated), b.h5 (c = 1, compound table in a group)
    /// and c.csv (θ in a column).
    static func setUp() throws -> (tool: String, directory: String) {
        let (tool, directory) = try CommandLineTests.setUp()
        try writeFileAtomically(Array(config.utf8), to: "\(directory)/config.yaml")
        let a = columns(count: 200, c: 0), b = columns(count: 160, c: 1)
        try NpzArchive(members: [("m", try NpyArray(shape: [200], doubles: a.m)), ("n", try NpyArray(shape: [200], floats: a.n.map(Float.init)))])
            .write(toFile: "\(directory)/a.npz", compressed: true)
        try DataTable.write(zip(b.m, b.n).flatMap { [$0, $1] }, columns: ["m", "n"], to: "\(directory)/b.h5")
        var csv = "n,m,c,weight\n"
        for i in 0..<120 { csv += "\(i % 4),\(1 + Double(i % 30) * 0.3),\(i % 2 == 0 ? -1 : 1),\(i % 3 == 0 ? 2 : 1)\n" }
        try writeFileAtomically(Array(csv.utf8), to: "\(directory)/c.csv")
        return (tool, directory)
    }

    @Test func trainOnNpzHDF5AndCSVReportsTheSelection() throws {
        let (tool, dir) = try Self.setUp()
        let arguments = ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/a.npz@c=0", "--data", "\(dir)/b.h5@c=1",
                         "--data", "\(dir)/c.csv", "--output", "\(dir)/model"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        #expect(outcome == .exited(0), "\(output)")
        // a.npz and b.h5 each have every 40th event at m < 0 (m = 0.5 + 0.2 (i mod 40) + c otherwise): 5 of 200 and 4 of 160 rejected.
        #expect(output.contains("\(dir)/a.npz: 195/200 events pass (97.50%)"), "\(output)")
        #expect(output.contains("\(dir)/b.h5: 156/160 events pass (97.50%)"), "\(output)")
        #expect(output.contains("\(dir)/c.csv: 120/120 events pass (100.00%)"), "\(output)")
        #expect(output.contains("c=-1.0: 60/60 events pass") && output.contains("c=1.0: 216/220 events pass"), "\(output)")
        #expect(output.contains("total: 471/480 events pass (98.13%)") && output.contains("rejected by: m 9"), "\(output)")
        #expect(CommandLineTests.exists("\(dir)/model/model.json"))
        // --quiet prints nothing; logprob reads the CSV file's θ column and writes an .npz file.
        let (quietOutcome, quietOutput) = try ChildProcess.run(tool, arguments.dropLast(2) + ["--output", "\(dir)/model2", "--quiet"], timeLimit: 300)
        #expect(quietOutcome == .exited(0) && quietOutput.isEmpty, "\(quietOutput)")
        let (logOutcome, logOutput) = try ChildProcess.run(tool, ["logprob", "\(dir)/model", "--data", "\(dir)/c.csv",
                                                                  "--output", "\(dir)/logp.npz", "--quiet"], timeLimit: 300)
        #expect(logOutcome == .exited(0), "\(logOutput)")
        #expect(try DataTable.read("\(dir)/logp.npz", dataset: "log_prob").rows == 120)
    }

    /// The config's `data` section names the files (relative to the config) and their θ;
    /// `--data` is then not needed, and a θ name that is not a parameter is a config error.
    @Test func trainReadsTheConfigsDataSection() throws {
        let (tool, dir) = try Self.setUp()
        let section = "data:\n  - {file: a.npz, theta: {c: 0}}\n  - {file: b.h5, theta: {c: 1}}\n  - {file: c.csv}\n"
        try writeFileAtomically(Array((Self.config + section).utf8), to: "\(dir)/with-data.yaml")
        let (outcome, output) = try ChildProcess.run(tool, ["train", "--config", "\(dir)/with-data.yaml", "--output", "\(dir)/model"], timeLimit: 300)
        #expect(outcome == .exited(0), "\(output)")
        #expect(output.contains("\(dir)/a.npz: 195/200 events pass") && output.contains("total: 471/480 events pass"), "\(output)")
        try writeFileAtomically(Array((Self.config + "data:\n  - {file: a.npz, theta: {k: 0}}\n").utf8), to: "\(dir)/bad-data.yaml")
        let (badOutcome, badOutput) = try ChildProcess.run(tool, ["train", "--config", "\(dir)/bad-data.yaml", "--output", "\(dir)/m"], timeLimit: 120)
        #expect(badOutcome == .exited(2) && badOutput.contains("data[0].theta.k"), "\(badOutput)")
        let (noneOutcome, noneOutput) = try ChildProcess.run(tool, ["train", "--config", "\(dir)/config.yaml", "--output", "\(dir)/m"], timeLimit: 120)
        #expect(noneOutcome == .exited(2) && noneOutput.contains("no event files"), "\(noneOutput)")
        #expect(!CommandLineTests.exists("\(dir)/m"))
    }

    @Test func badDataExitsWithCodeTwoAndWritesNothing() throws {
        let (tool, dir) = try Self.setUp()
        func write(_ name: String, _ text: String) throws { try writeFileAtomically(Array(text.utf8), to: "\(dir)/\(name)") }
        try write("nan.csv", "m,n,c\n1,1,0\n2,1,0\n3,nan,0\n")
        try write("frac.csv", "m,n,c\n1,1,0\n2,2.5,0\n")
        try write("names.csv", "mass,n,c\n1,1,0\n")
        try write("outside.csv", "m,n,c\n-1,1,0\n11,2,0\n")
        try write("short.csv", "m,n,c\n1,1,0\n2,1\n")
        let npz = try readAll("\(dir)/a.npz")
        try writeFileAtomically(Array(npz.prefix(npz.count - 40)), to: "\(dir)/cut.npz")
        let h5 = try readAll("\(dir)/b.h5")
        try writeFileAtomically(Array(h5.prefix(h5.count / 2)), to: "\(dir)/cut.h5")
        try NpyArray(shape: [4, 5], doubles: Array(repeating: 1, count: 20)).write(toFile: "\(dir)/wide.npy")
        try write("twice.csv", "m,n,m,c\n1,1,2,0\n")
        try write("hex.csv", "m,n,c\n1,1,0\n0x1p1,1,0\n")
        let cases: [(String, [String])] = [
            ("\(dir)/nan.csv", ["nan.csv: row 2, column 'n' is nan; values must be finite"]),
            ("\(dir)/frac.csv", ["frac.csv: row 1, column 'n' is 2.5, but 'n' is an integer observable"]),
            ("\(dir)/names.csv", ["names.csv: no column 'm'; the header has mass, n, c"]),
            ("\(dir)/outside.csv", ["outside.csv: none of its 2 events passes the selection"]),
            ("\(dir)/short.csv", ["short.csv: row 1 has 2 fields, expected 3"]),
            ("\(dir)/cut.npz@c=0", ["cut.npz: cannot be read", "truncated"]),
            ("\(dir)/cut.h5@c=0", ["cut.h5: cannot be read"]),
            ("\(dir)/b.h5#events@c=0", ["b.h5: no 'events'; the file has m, n"]),
            ("\(dir)/wide.npy", ["wide.npy: expected [N, D] with D in {2, 3, 4}", "got [4, 5]"]),
            ("\(dir)/a.npz@c=0,k=2", ["θ k is fixed, but the model's parameters are c"]),
            ("\(dir)/a.npz", ["a.npz: no column 'c'"]),
            ("\(dir)/twice.csv", ["twice.csv: cannot be read", "names column 'm' twice (columns 0 and 2)"]),
            ("\(dir)/hex.csv", ["hex.csv: row 1, column 'm': '0x1p1' is not a number"]),
        ]
        for (source, messages) in cases {
            let arguments = ["train", "--config", "\(dir)/config.yaml", "--data", source,
                             "--output", "\(dir)/m"]
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "\(source): \(output)")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 1 && output.hasPrefix("gmm-gpu: error: "), "\(source): \(output)")
            for message in messages { #expect(output.contains(message), "\(source): expected '\(message)' in \(output)") }
        }
        #expect(!CommandLineTests.exists("\(dir)/m"), "a failed train wrote its output directory")
    }

    /// Inputs that once gave an answer in silence or a crash: a conditional model's θ given
    /// nowhere, an empty field in --theta, a NaN weight, sizes beyond memory; and a UTF-8
    /// byte-order mark before a CSV header.
    @Test func silentlyWrongInputsAreRefused() throws {
        let (tool, dir) = try Self.setUp()
        let (trained, trainLog) = try ChildProcess.run(tool, ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/a.npz@c=0",
                                                              "--data", "\(dir)/c.csv", "--output", "\(dir)/model", "--quiet"], timeLimit: 300)
        #expect(trained == .exited(0), "\(trainLog)")
        let (m, n) = Self.columns(count: 50, c: 0)
        let good = zip(m, n).filter { $0.0 >= 0 }
        try NpyArray(shape: [good.count, 2], doubles: good.flatMap { [$0.0, $0.1] }).write(toFile: "\(dir)/bare.npy")
        try NpyArray(shape: [good.count], doubles: good.indices.map { $0 == 3 ? .nan : 1 }).write(toFile: "\(dir)/w.npy")
        var bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        bom += Array("m,n,c\n1.5,1,0\n2.5,2,1\n".utf8)
        try writeFileAtomically(bom, to: "\(dir)/bom.csv")
        let refused: [([String], [String])] = [
            (["logprob", "\(dir)/model", "--data", "\(dir)/bare.npy", "--output", "\(dir)/lp.npy"],
             ["holds the observables only, and θ (c) is given nowhere", "--theta-file", "--theta", "bare.npy@c=VALUE"]),
            (["report", "\(dir)/model", "--data", "\(dir)/bare.npy", "--output", "\(dir)/report"], ["θ (c) is given nowhere"]),
            (["report", "\(dir)/model", "--data", "\(dir)/bare.npy", "--theta", "0", "--pair-bins", "0", "--output", "\(dir)/report"],
             ["--pair-bins: expected 2...1000, got 0"]),
            (["sample", "\(dir)/model", "--theta", "0,", "-n", "10", "--output", "\(dir)/s.npy"], ["--theta: an empty field is not a finite number"]),
            (["sample", "\(dir)/model", "--theta", "0", "-n", "-5", "--output", "\(dir)/s.npy"], ["-n: expected a positive value, got -5"]),
            (["sample", "\(dir)/model", "--theta", "0", "-n", "5", "--seed", "-1", "--output", "\(dir)/s.npy"], ["--seed: expected a positive value, got -1"]),
            (["reweight", "\(dir)/model", "--data", "\(dir)/bare.npy", "--weights", "\(dir)/w.npy", "--theta0", "0", "--theta", "0.5",
              "--output", "\(dir)/rw.npy"], ["w.npy: row 3", "nan"]),
        ]
        for (arguments, messages) in refused {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "\(arguments[0]): \(output)")
            for message in messages { #expect(output.contains(message), "\(arguments[0]): expected '\(message)' in \(output)") }
        }
        // Sizes beyond memory are refused before anything is allocated, with the memory they need.
        for (arguments, option) in [(["sample", "\(dir)/model", "--theta", "0", "-n", "2000000000", "--output", "\(dir)/s.npy"], "-n 2000000000"),
                                    (["roc", "\(dir)/model", "--theta0", "0", "--theta1", "0.5", "--events", "10000000000", "--output", "\(dir)/roc"], "--events 10000000000")] {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "\(arguments[0]): \(output)")
            #expect(output.contains("\(option) needs about") && output.contains("GB of memory"), "\(arguments[0]): \(output)")
        }
        for name in ["lp.npy", "report", "s.npy", "rw.npy", "roc"] { #expect(!CommandLineTests.exists("\(dir)/\(name)"), "\(name) was written") }
        // θ given once for the file reads the same array; the byte-order mark is not part of 'm'.
        let (fixed, fixedLog) = try ChildProcess.run(tool, ["logprob", "\(dir)/model", "--data", "\(dir)/bare.npy", "--theta", "0",
                                                            "--output", "\(dir)/lp.npy", "--quiet"], timeLimit: 120)
        #expect(fixed == .exited(0), "\(fixedLog)")
        let (bomOutcome, bomLog) = try ChildProcess.run(tool, ["logprob", "\(dir)/model", "--data", "\(dir)/bom.csv",
                                                               "--output", "\(dir)/bom-lp.npy", "--quiet"], timeLimit: 120)
        #expect(bomOutcome == .exited(0), "\(bomLog)")
        #expect(try DataTable.read("\(dir)/bom-lp.npy").rows == 2)
    }

    /// An event of an unbounded observable far beyond the training events (the toy's x3 on
    /// (−∞, ∞)) lies in the projection's exponential tail: a finite log-density that falls with
    /// the distance, never −∞; samples reach into the tail too.
    @Test func eventsBeyondTheTrainingRangeHaveAFiniteDensity() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let steps: [[String]] = [
            ["toy", "--output", dir, "--events-per-point", "120", "--quiet"],
            ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
             "--output", "\(dir)/model", "--max-epochs", "1", "--quiet"],
        ]
        for step in steps {
            let (outcome, output) = try ChildProcess.run(tool, step, timeLimit: 300)
            #expect(outcome == .exited(0), "gmm-gpu \(step[0]): \(output)")
        }
        let x3 = try NpyArray(contentsOfFile: "\(dir)/x.npy").doubles.enumerated().filter { $0.offset % 4 == 3 }.map(\.element)
        let (lowest, highest) = (x3.min() ?? 0, x3.max() ?? 0)
        let span = highest - lowest
        let far = [highest + span, highest + 10 * span, highest + 100 * span, lowest - span, lowest - 100 * span]
        try NpyArray(shape: [far.count, 4], doubles: far.flatMap { [400, 400, 0, $0] }).write(toFile: "\(dir)/far.npy")
        let (outcome, output) = try ChildProcess.run(tool, ["logprob", "\(dir)/model", "--data", "\(dir)/far.npy", "--theta", "0,0",
                                                            "--output", "\(dir)/far-lp.npy", "--quiet"], timeLimit: 120)
        #expect(outcome == .exited(0), "\(output)")
        let logp = try NpyArray(contentsOfFile: "\(dir)/far-lp.npy").doubles
        #expect(logp.count == far.count && logp.allSatisfy(\.isFinite), "\(logp)")
        if logp.count == far.count { #expect(logp[0] > logp[1] && logp[1] > logp[2] && logp[3] > logp[4], "\(logp)") }
    }

    /// Two trainings into one directory: the second is refused while the first holds its lock.
    @Test func secondWriterToAnOutputDirectoryIsRefused() throws {
        let (tool, dir) = try Self.setUp()
        mkdir("\(dir)/model", 0o755)
        let fd = open("\(dir)/model/.gmm-gpu.lock", O_CREAT | O_RDWR, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let arguments = ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/a.npz@c=0", "--data", "\(dir)/c.csv",
                         "--output", "\(dir)/model", "--quiet"]
        let (refused, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
        #expect(refused == .exited(2) && output.contains("another gmm-gpu run is writing to this directory"), "\(output)")
        #expect(!CommandLineTests.exists("\(dir)/model/model.json"))
        close(fd)
        let (trained, log) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        #expect(trained == .exited(0) && CommandLineTests.exists("\(dir)/model/model.json"), "\(log)")
    }

    /// `--resume` with nothing to resume says that it starts fresh; a checkpoint another seed
    /// saved is refused, and the same run resumes it.
    @Test func resumeStartsFreshOrRefusesAnotherRun() throws {
        let (tool, dir) = try Self.setUp()
        let arguments = ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/a.npz@c=0", "--data", "\(dir)/c.csv",
                         "--output", "\(dir)/model", "--max-epochs", "2", "--resume"]
        let (fresh, log) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        #expect(fresh == .exited(0) && log.contains("--resume: no checkpoint in \(dir)/model to continue; starting fresh"), "\(log)")
        let (refused, output) = try ChildProcess.run(tool, arguments + ["--seed", "7"], timeLimit: 300)
        #expect(refused == .exited(2) && output.contains("saved by another run (its seed is"), "\(output)")
        let (resumed, again) = try ChildProcess.run(tool, Array(arguments.dropLast(3)) + ["--max-epochs", "3", "--resume"], timeLimit: 300)
        #expect(resumed == .exited(0) && !again.contains("starting fresh") && again.contains("epoch 3/3") && !again.contains("epoch 1/3"), "\(again)")
    }

    /// docs/cli.md is what `gmm-gpu cli-reference` prints (regenerate with `make docs`).
    @Test func cliReferenceIsUpToDate() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let (outcome, log) = try ChildProcess.run(tool, ["cli-reference", "--output", "\(dir)/cli.md"], timeLimit: 60)
        #expect(outcome == .exited(0), "\(log)")
        let output = String(decoding: try readAll("\(dir)/cli.md"), as: UTF8.self)
        let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let committed = String(decoding: try readAll("/\(root)/docs/cli.md"), as: UTF8.self)
        #expect(output == committed, "docs/cli.md is out of date with `gmm-gpu --help`: run `make docs` and commit docs/cli.md")
    }

    /// The whole file at `path`.
    func readAll(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw FileIOError(operation: "open", path: path, code: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
