import ArgumentParser
import GMMKit

@main
struct GMMGPU: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gmm-gpu",
        abstract: "Conditional density models p(x|θ) from simulated events (Menary & Price 2022), on CPU or GPU.",
        subcommands: [DemoCommand.self, TrainCommand.self, LogProbCommand.self, SampleCommand.self, InferCommand.self, StudyCommand.self, ReportCommand.self, ToyCommand.self, BenchCommand.self, DevicesCommand.self, CheckCommand.self, CLIReferenceCommand.self]
    )
}
