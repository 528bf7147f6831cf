import ArgumentParser
import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// How the inference commands read their events (the `--data`-like options' discussion).
let observedEventsDiscussion = "FILE[#DATASET] as `train` reads it (.npy, .npz, .csv, .h5/.hdf5): the model's observables by name (an .npz member, CSV or HDF5 column, or x[i]), a bare array [N, d] in config order; θ columns are ignored, and a column named weight gives the events' weights unless a weights file does. FILE@NAME=VALUE,… declares the θ the events were simulated at (every parameter): `infer` reports the pulls against it, `roc` and `reweight` use it when --theta0/--theta1 are not given (and refuse a different one)."

/// A subcommand whose errors are reported as one clear line on standard error with exit code 2.
protocol ToolCommand: ParsableCommand {
    /// The command's work.
    func execute() throws
}

extension ToolCommand {
    func run() throws {
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as CleanExit {
            throw error
        } catch {
            fputs("gmm-gpu: error: \(error)\n", stderr)
            throw ExitCode(2)
        }
    }
}

/// The `--device` option shared by the computing commands.
struct DeviceOption: ParsableArguments {
    @Option(name: .long, help: "Compute device: cpu, gpu0, gpu1, …, opencl:cpu, opencl:P:D or auto (`gmm-gpu devices` lists them).")
    var device: String = "cpu"

    /// Opens the named device.
    func open() throws -> Device { try Devices.open(device) }
}

/// Prints progress lines unless quiet; flushes so they show at once.
struct Reporter {
    var quiet: Bool

    func line(_ text: String) {
        guard !quiet else { return }
        print(text)
        fflush(stdout)
    }
}

/// Progress of a long loop in tenths: ``update(_:)`` calls `line` with the count done each time
/// it reaches a new tenth of `total`.
final class TenthsProgress {
    private let total: Int
    private let line: (Int) -> Void
    private var reported = 0

    init(total: Int, line: @escaping (Int) -> Void) {
        self.total = total
        self.line = line
    }

    func update(_ done: Int) {
        guard total > 0, done * 10 / total > reported else { return }
        reported = done * 10 / total
        line(done)
    }
}

/// Prints each line as `gmm-gpu: warning: …` on standard error (not silenced by --quiet).
func printWarnings(_ lines: [String]) {
    for line in lines { fputs("gmm-gpu: warning: \(line)\n", stderr) }
}

/// Parses "0.2,-0.5" into numbers, naming the option on failure.
func parseNumberList(_ text: String, option: String) throws -> [Double] {
    if text.trimmingCharacters(in: " ").isEmpty { return [] }
    return try text.split(separator: ",", omittingEmptySubsequences: false).map { field in
        let trimmed = field.trimmingCharacters(in: " ")
        // Double(_:) also reads hexadecimal floats (0x1p3); a list of numbers holds decimals.
        guard !trimmed.contains(where: { $0 == "x" || $0 == "X" }), let value = Double(trimmed), value.isFinite else {
            let what = trimmed.isEmpty ? "an empty field" : "'\(String(field.prefix(80)))'"
            throw ValidationError("\(option): \(what) is not a finite number; expected a comma-separated list such as 0.2,-0.5")
        }
        return value
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

/// A number with `digits` decimals (``formatFixed(_:decimals:minus:)``).
func fixed(_ value: Double, _ digits: Int) -> String {
    formatFixed(value, decimals: digits)
}


/// The selection report as printed by `train`: one line per file, per θ point (at most 20
/// shown), the total and the observables that rejected events.
func selectionLines(_ report: SelectionReport) -> [String] {
    func line(_ group: SelectionReport.Group) -> String {
        var text = "  \(group.label): \(group.accepted)/\(group.read) events pass (\(fixed(100 * group.efficiency, 2))%)"
        if group.weightRead != Double(group.read) || group.weightAccepted != Double(group.accepted) {
            text += ", weighted \(fixed(100 * group.weightedEfficiency, 2))%"
        }
        return text
    }
    var lines = ["selection (every observable inside its interval):"]
    lines += report.files.map(line)
    if report.pointsTruncated {
        lines.append("  θ takes more than \(SelectionReport.maxPoints) distinct values (drawn per event): no per-point efficiencies")
    } else if report.points.count > 1 || report.files.count > 1 {
        lines.append("per θ point:")
        lines += report.points.prefix(20).map(line)
        if report.points.count > 20 { lines.append("  … and \(report.points.count - 20) more θ points") }
    }
    lines.append("total: \(report.accepted)/\(report.read) events pass (\(fixed(100 * report.efficiency, 2))%)")
    let rejected = report.rejectedBy.filter { $0.count > 0 }
    if !rejected.isEmpty {
        lines.append("rejected by: " + rejected.map { "\($0.observable) \($0.count)" }.joined(separator: ", "))
    }
    return lines
}

/// The `--data` source of a command that also takes `--theta a,b` (one θ for every event):
/// those values, in `parameters` order, are fixed for the file. `--theta` and `--theta-file`
/// exclude each other.
func eventSource(_ data: String, theta: String?, thetaFile: String?, parameters: [String]) throws -> EventSource {
    if theta != nil && thetaFile != nil { throw ValidationError("give either --theta or --theta-file, not both") }
    var source = try EventSource(parsing: data)
    guard let theta else { return source }
    let values = try parseTheta(theta, option: "--theta", parameters: parameters)
    for (name, value) in zip(parameters, values) { source.fixedTheta[name] = value }
    return source
}

/// One θ, comma-separated in `parameters` order, checked to have one finite value per parameter.
func parseTheta(_ text: String, option: String, parameters: [String]) throws -> [Double] {
    let values = try parseNumberList(text, option: option)
    guard values.count == parameters.count else {
        throw ValidationError("\(option): the model has \(parameters.count) parameters (\(parameters.joined(separator: ", "))), got \(values.count) values")
    }
    return values
}

/// Refuses a request whose arrays would not fit in memory, before anything is allocated: `count`
/// items of `bytesPerItem` bytes each must fit in half of this machine's physical memory.
///
/// - Throws: `ValidationError` naming `option`, the memory the request needs and the memory there is.
func checkMemory(count: Int, bytesPerItem: Int, option: String, advice: String) throws {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return }
    let available = Double(pages) * Double(pageSize) / 2
    let needed = Double(count) * Double(bytesPerItem)
    guard needed > available else { return }
    func gigabytes(_ bytes: Double) -> String { "\((bytes / 1e8).rounded() / 10) GB" }
    throw ValidationError("\(option) \(count) needs about \(gigabytes(needed)) of memory, more than half of this machine's \(gigabytes(2 * available)); \(advice)")
}

/// Takes an exclusive lock on the output directory `path` (creating it) for the rest of the
/// process: a second `gmm-gpu` writing there at the same time is refused, not left to
/// overwrite this run's files. The lock is `path/.gmm-gpu.lock`, held with `flock`, released
/// when the process ends (however it ends).
///
/// - Throws: `ValidationError` when another process holds the lock.
func lockOutputDirectory(_ path: String, option: String = "--output") throws {
    try makeDirectoryPath(path)
    let lockPath = "\(path)/.gmm-gpu.lock"
    let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileIOError(operation: "open", path: lockPath, code: errno) }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        close(fd)
        throw ValidationError("\(option) \(path): another gmm-gpu run is writing to this directory (it holds \(lockPath)); wait for it to finish or choose another \(option)")
    }
    // The descriptor stays open, and the lock held, until the process exits.
}
