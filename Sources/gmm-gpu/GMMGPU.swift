import ArgumentParser
import GMMKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct GMMGPU: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gmm-gpu",
        abstract: "Conditional density models p(x|θ) from simulated events (Menary & Price 2022), on CPU or GPU.",
        subcommands: [DemoCommand.self, TrainCommand.self, LogProbCommand.self, SampleCommand.self, InferCommand.self, RatioCommand.self, RocCommand.self, ReweightCommand.self, StudyCommand.self, ReportCommand.self, ToyCommand.self, BenchCommand.self, DevicesCommand.self, CheckCommand.self, CLIReferenceCommand.self]
    )

    /// Parses and runs the command. A command line that does not parse (a missing or malformed
    /// option) is bad input like any other: `gmm-gpu: error: …` with the usage, and exit code 2
    /// (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            var text = fullMessage(for: error)
            if text.hasPrefix("Error: ") { text = "gmm-gpu: error: " + text.dropFirst("Error: ".count) }
            if let negative = negativeValue(in: text) { text = negative }
            fputs(text.hasSuffix("\n") ? text : text + "\n", stderr)
            exit(withError: ExitCode(2))
        }
    }

    /// ArgumentParser reads `-n -5` as option `-n` without a value (a leading `-` starts an
    /// option): say instead that the value is negative, where the argument after that option
    /// is a negative number.
    static func negativeValue(in message: String) -> String? {
        guard let start = message.range(of: "Missing value for '")?.upperBound,
              let end = message[start...].firstIndex(of: "'") else { return nil }
        let usage = message[start..<end]
        guard let option = usage.split(separator: " ").first.map(String.init) else { return nil }
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count,
              let value = Double(arguments[index + 1]), value < 0 else { return nil }
        return "gmm-gpu: error: \(option): expected a positive value, got \(arguments[index + 1])\n"
    }
}
