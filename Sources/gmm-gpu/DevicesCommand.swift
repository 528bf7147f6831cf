import ArgumentParser
import GMMCompute

/// `gmm-gpu devices`: lists the devices that `--device` accepts.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List the compute devices (`--device` names) of this machine.")

    func run() throws {
        let (entries, problem) = Devices.available()
        for entry in entries { print(entry) }
        if let problem { print("(no OpenCL devices: \(problem))") }
        if let core = OpenBLAS.status.requestedCoreType {
            print("OpenBLAS core type \(core) requested by \(OpenBLAS.status.requestedBy ?? "?"); running \(OpenBLAS.coreName ?? "none")")
        }
    }
}
