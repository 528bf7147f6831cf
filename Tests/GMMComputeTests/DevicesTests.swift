import Dispatch
import Testing
import GMMTestSupport
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
        // Load the libraries first, so the threads meet at the enumeration itself.
        _ = OpenBLAS.status
        _ = CL.api
        let names = try Self.onThreads(4) { Devices.available().entries.map(\.name) }
        #expect(names[0].contains { $0 != "cpu" }, "no OpenCL device found: \(names[0])")
        for i in 1..<names.count { #expect(names[i] == names[0], "thread \(i) saw \(names[i]), thread 0 \(names[0])") }
    }

    /// Runs `body` on `count` threads released together by a barrier; returns their results.
    static func onThreads(_ count: Int, _ body: @escaping () -> [String]) throws -> [[String]] {
        let shared = ThreadGroup(count, body)
        var threads: [pthread_t] = []
        for i in 0..<count {
            var thread = pthread_t()
            let job = Unmanaged.passRetained(ThreadGroup.Job(shared, i)).toOpaque()
            let status = pthread_create(&thread, nil, { argument in
                let job = Unmanaged<ThreadGroup.Job>.fromOpaque(argument!).takeRetainedValue()
                pthread_barrier_wait(&job.group.barrier)
                job.group.results[job.index] = job.group.body()
                return nil
            }, job)
            try #require(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
        return shared.results
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

/// Threads started together by ``DevicesTests/onThreads(_:_:)``.
private final class ThreadGroup {
    var barrier = pthread_barrier_t()
    var results: [[String]]
    let body: () -> [String]

    init(_ count: Int, _ body: @escaping () -> [String]) {
        results = Array(repeating: [], count: count)
        self.body = body
        pthread_barrier_init(&barrier, nil, UInt32(count))
    }

    deinit { pthread_barrier_destroy(&barrier) }

    /// One thread's share: the group and its index.
    final class Job {
        let group: ThreadGroup
        let index: Int
        init(_ group: ThreadGroup, _ index: Int) {
            self.group = group
            self.index = index
        }
    }
}
