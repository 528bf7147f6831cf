import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu bench throughput`: compute-layer and model throughput on a device.
struct ThroughputBenchCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Throughput of the Table-5 networks (forward, backward, likelihood) and of training, logprob and sampling, as fractions of the measured sgemm peak.")

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Minimum seconds per timed case.")
    var seconds: Double = 1

    @Option(help: "Training events for the one-epoch training measurement.")
    var trainingEvents: Int = 100_000

    @Option(help: "Events for the logprob and sampling measurements.")
    var evaluationEvents: Int = 200_000

    @Option(help: ArgumentHelp("Also write every figure to this JSON file (for regenerating docs/BENCHMARKS.md).", valueName: "file"))
    var json: String?

    func execute() throws {
        let device = try deviceOption.open()
        print("device \(device.name): \(device.summary)")
        let bench = ThroughputBenchmark(device: device, minimumSeconds: seconds)
        let square = try bench.sgemmRate(m: 2048, n: 2048, k: 2048)
        let model = try bench.sgemmRate(m: 4096, n: 160, k: 160)
        let peak = max(square, model)
        print("sgemm 2048³: \(fixed(square, 1)) GFLOP/s; 4096×160×160: \(fixed(model, 1)) GFLOP/s; peak used below: \(fixed(peak, 1)) GFLOP/s")
        let toy = try ThroughputBenchmark.tableFiveModel()
        print("Table-5 toy model: \(toy.trainableParameterCount) parameters, \(fixed(toy.forwardFlopsPerEvent / 1e3, 1)) kFLOP/event forward")
        var measurements: [ThroughputBenchmark.Measurement] = []
        for batch in [500, 5000] {
            for m in try bench.networkPasses(model: toy, batch: batch, peak: peak) { print(m); measurements.append(m) }
        }
        for m in try bench.model(toy, trainingEvents: trainingEvents, evaluationEvents: evaluationEvents, peak: peak) { print(m); measurements.append(m) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let record = ThroughputBenchmark.Record(device: "\(device.name): \(device.summary)", sgemmSquareGFLOPS: square, sgemmModelGFLOPS: model,
                                                    peakGFLOPS: peak, measurements: measurements)
            try writeFileAtomically(try encoder.encode(record), to: json)
        }
    }
}
