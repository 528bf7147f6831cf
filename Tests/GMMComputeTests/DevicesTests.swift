import Dispatch
import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Device selection by name: errors for bad names, the listing, and one instance per name.
@Suite struct DevicesTests {
    @Test func malformedNameIsRejected() {
        _ = TestDevices.available()  // resolving any name enumerates OpenCL devices
        #expect(throws: DeviceError.invalidDeviceName("nope")) { try Devices.open("nope") }
        #expect(throws: DeviceError.invalidDeviceName("opencl:x:y")) { try Devices.open("opencl:x:y") }
    }

    @Test func missingDeviceListsTheAvailableOnes() throws {
        let listed = TestDevices.available().entries.map(\.name)
        let error = #expect(throws: DeviceError.self) { try Devices.open("gpu7") }
        guard case let .unknownDevice(name, available, _) = try #require(error) else {
            Issue.record("expected .unknownDevice, got \(String(describing: error))")
            return
        }
        #expect(name == "gpu7")
        #expect(available == listed)
        let description = try #require(error).description
        for device in listed { #expect(description.contains(device), "'\(description)' should name \(device)") }
        #expect(throws: DeviceError.self) { try Devices.open("opencl:9:9") }
    }

    @Test func cpuOpensAndIsListedFirst() throws {
        let cpu = try Devices.open("cpu")
        #expect(cpu.name == "cpu")
        #expect(cpu is CPUDevice)
        let entries = TestDevices.available().entries
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
        let hasGPU = TestDevices.available().entries.contains { $0.name == "gpu0" }
        let device = try Devices.open("auto")
        #expect(device === (try Devices.open(hasGPU ? "gpu0" : "cpu")))
        #expect(try Devices.open("auto") === device)
    }

    /// Several threads enumerating devices at once, as the first OpenCL use of a process (a
    /// child process, so it really is the first), all see the same devices.
    @Test(.openCL) func concurrentDiscoveryAgrees() throws {
        let (outcome, output) = try ChildProcess.runTests(
            matching: "DevicesTests/discoverConcurrentlyInChildProcess", setting: Self.discoveryVariable, timeLimit: 30)
        #expect(outcome == .exited(0), "the child test failed:\n\(output)")
    }

    static let discoveryVariable = "GMM_GPU_TEST_CONCURRENT_DISCOVERY"

    @Test(.enabled(if: getenv(discoveryVariable) != nil, "runs only in the child process of concurrentDiscoveryAgrees()"))
    func discoverConcurrentlyInChildProcess() throws {
        let results = UnsafeMutableBufferPointer<[String]>.allocate(capacity: 4)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            results[i] = Devices.available().entries.map(\.name)
        }
        #expect(results[0].contains { $0 != "cpu" }, "no OpenCL device found: \(results[0])")
        for i in 1..<4 { #expect(results[i] == results[0], "thread \(i) saw \(results[i]), thread 0 \(results[0])") }
    }

    @Test(.openCL) func openCLCPUDeviceIsListedAndShared() throws {
        let entries = TestDevices.available().entries
        #expect(entries.contains { $0.aliases.contains("opencl:cpu") }, "no OpenCL CPU device in \(entries)")
        let device = try Devices.open("opencl:cpu")
        #expect(device.name == "opencl:cpu")
        #expect(try Devices.open("opencl:cpu") === device)
        #expect(device !== (try Devices.open("cpu")))
    }
}
