import ArgumentParser
import GMMCompute

/// `gmm-gpu check`: runs every kernel on a device and compares it with the CPU path.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Self-check: run every compute kernel on a device and compare it with the cpu path.")

    @Option(help: "Device to check (see `gmm-gpu devices`); default: every OpenCL device.")
    var device: String?

    @Option(help: "Rows (events) per network in the random inputs.")
    var rows: Int = 1000

    @Option(help: "Number of stacked networks.")
    var networks: Int = 4

    func run() throws {
        let reference = try Devices.open("cpu")
        print("reference: cpu — \(reference.summary)")
        let names = device.map { [$0] } ?? Devices.available().entries.map(\.name).filter { $0 != "cpu" }
        if names.isEmpty { print("no OpenCL device to check; `gmm-gpu devices` says why") }
        var failed = false
        for name in names {
            let candidate: Device
            do { candidate = try Devices.open(name) } catch { throw ValidationError("\(error)") }
            print("\(name) — \(candidate.summary)")
            let results = try DeviceComparison(candidate: candidate, reference: reference, networks: networks, rows: rows).run()
            for result in results { print("  \(result)") }
            failed = failed || results.contains { !$0.passed }
        }
        if failed { throw ExitCode.failure }
    }
}
