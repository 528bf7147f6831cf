import ArgumentParser
import GMMKit

/// `gmm-gpu toy`: writes the Appendix-A training set and a ready config.
struct ToyCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        abstract: "Write the Appendix-A toy training set (x.npy [N, 4], theta.npy [N, 2]) and a ready config.yaml.")

    @Option(help: "Output directory.")
    var output: String

    @Option(help: "Events per θ point of the 7 × 7 grid (the paper: 50000).")
    var eventsPerPoint: Int = 50_000

    @Flag(help: "Add the extra points at ±0.2 (the 9 × 9 grid of Figure 15(b)).")
    var extended = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard eventsPerPoint > 0 else { throw ValidationError("--events-per-point must be positive, got \(eventsPerPoint)") }
        let grid = extended ? ToyModel.extendedTrainingGrid : ToyModel.trainingGrid
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: grid, seed: seed)
        try makeDirectoryPath(output)
        try DataTable.write(data.x, columns: ToyModel.observables.map(\.name), to: "\(output)/x.npy")
        try DataTable.write(data.theta, columns: ["cx", "cy"], to: "\(output)/theta.npy")
        try writeFileAtomically(Array(ToyModel.configYAML.utf8), to: "\(output)/config.yaml")
        Reporter(quiet: quiet).line("wrote \(data.count) events at \(grid.count) θ points to \(output)/x.npy, \(output)/theta.npy and \(output)/config.yaml")
    }
}
