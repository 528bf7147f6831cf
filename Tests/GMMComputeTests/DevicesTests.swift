import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Device selection by name: errors for bad names, the listing, and one instance per name.
@Suite struct DevicesTests {
    @Test func malformedNameIsRejected() {
        #expect(throws: DeviceError.invalidDeviceName("nope")) { try Devices.open("nope") }
        #expect(throws: DeviceError.invalidDeviceName("opencl:x:y")) { try Devices.open("opencl:x:y") }
    }

    @Test func missingDeviceListsTheAvailableOnes() throws {
        let error = #expect(throws: DeviceError.self) { try Devices.open("gpu7") }
        guard case let .unknownDevice(name, available, _) = try #require(error) else {
            Issue.record("expected .unknownDevice, got \(String(describing: error))")
            return
        }
        #expect(name == "gpu7")
        let listed = Devices.available().entries.map(\.name)
        #expect(available == listed)
        let description = try #require(error).description
        for device in listed { #expect(description.contains(device), "'\(description)' should name \(device)") }
        #expect(throws: DeviceError.self) { try Devices.open("opencl:9:9") }
    }

    @Test func cpuOpensAndIsListedFirst() throws {
        let cpu = try Devices.open("cpu")
        #expect(cpu.name == "cpu")
        #expect(cpu is CPUDevice)
        let entries = Devices.available().entries
        #expect(entries.first?.name == "cpu")
        #expect(Set(entries.map(\.name)).count == entries.count, "device names must be unique")
    }

    @Test func sameNameGivesSameInstance() throws {
        #expect(try Devices.open("cpu") === Devices.open("cpu"))
    }

    /// `auto` is `gpu0` when there is a GPU, else `cpu`, and opening it returns. It is opened
    /// in a child process (``openAutoInChildProcess()``), because a hang there holds the
    /// device cache's lock and would stop every other test that opens a device.
    @Test func autoOpensTheGPUOrTheCPU() throws {
        let (outcome, output) = try ChildProcess.runTests(
            matching: "DevicesTests/openAutoInChildProcess", setting: Self.childVariable, timeLimit: 15)
        if outcome == .timedOut {
            Issue.record("Devices.open(\"auto\") did not return within 15 s (a deadlock)")
        } else {
            #expect(outcome == .exited(0), "the child test failed:\n\(output)")
        }
    }

    static let childVariable = "GMM_GPU_TEST_OPEN_AUTO"

    @Test(.enabled(if: getenv(childVariable) != nil, "runs only in the child process of autoOpensTheGPUOrTheCPU()"))
    func openAutoInChildProcess() throws {
        let hasGPU = Devices.available().entries.contains { $0.name == "gpu0" }
        let device = try Devices.open("auto")
        #expect(device === (try Devices.open(hasGPU ? "gpu0" : "cpu")))
        #expect(try Devices.open("auto") === device)
    }

    @Test(.openCL) func openCLCPUDeviceIsListedAndShared() throws {
        let entries = Devices.available().entries
        #expect(entries.contains { $0.aliases.contains("opencl:cpu") }, "no OpenCL CPU device in \(entries)")
        let device = try Devices.open("opencl:cpu")
        #expect(device.name == "opencl:cpu")
        #expect(try Devices.open("opencl:cpu") === device)
        #expect(device !== (try Devices.open("cpu")))
    }
}
