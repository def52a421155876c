import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-agent`: the data plane of FlowTest.
@main
struct FlowTestAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtest-agent",
        abstract: "Echo server and flow generator that measure real TCP and UDP flows.",
        discussion: """
            Every option can also be set with a FLOWTEST_* environment variable named after it
            (--max-concurrent → FLOWTEST_MAX_CONCURRENT); a flag wins over the variable.
            Exit codes: 0 ran (run: Succeeded), 1 could not run (run: a threshold failed; flows diff: flows missing),
            2 invalid FlowTest file (report: not a FlowTest with figures; flows: unreadable input), 3 ran but the final report never reached the FlowTest, 64 invalid flag or variable, 130 interrupted run.
            """,
        subcommands: [EchoCommand.self, GenerateCommand.self, RunCommand.self, ReportCommand.self, RecordsCommand.self, FlowsCommand.self])

    /// Runs the command line, turning every configuration or startup problem into one line on
    /// stderr and the documented exit code instead of a crash or a stack of usage text. Every
    /// way out goes through `CommandLineOutput.exit`, which writes what is still queued first.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            CommandLineOutput.exit(0)
        } catch let error as ConfigurationError {
            CommandLineOutput.fail("error: \(error)", code: ExitCode.validationFailure)
        } catch let error as FlowInputError {
            CommandLineOutput.fail("error: \(error)", code: ExitCode(2))
        } catch is ExitCode2 {
            CommandLineOutput.exit(2)
        } catch let error as FinalReportError {
            CommandLineOutput.fail("error: \(error)", code: ExitCode(3))
        } catch let error as StartupError {
            CommandLineOutput.fail("error: \(error)", code: ExitCode.failure)
        } catch let code as ExitCode {
            CommandLineOutput.exit(code.rawValue)
        } catch {
            // Usage and help: argument parser prints them itself, after what was queued.
            _ = StandardStream.output.drain { false } && StandardStream.error.drain { false }
            exit(withError: error)
        }
    }
}
