import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-agent report`: one self-contained HTML file from a FlowTest's status.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a FlowTest's results as one self-contained HTML page with charts.",
        discussion: """
            Reads a FlowTest and its agents' reports, as kubectl or `flowtest-agent run` prints them:
              kubectl get flowtest,flowtestreports -l flowtest.dev/name=NAME -o json | flowtest-agent report - > report.html
            A FlowTest alone gives a page of its summary only.
            The page needs nothing else: no network, no scripts; open it from disk.
            Exit codes: 0 written, 2 the input is not a FlowTest with figures, 1 the output cannot be written.
            """)

    @Argument(help: "The FlowTest and its reports (a List, YAML or JSON), or - for standard input.")
    var file = "-"

    @Option(name: [.short, .customLong("output")], help: "Where to write the HTML (default: standard output).")
    var output = "-"

    func run() throws {
        let input: ReportInput
        do { input = try ReportInput.load(file) } catch {
            CommandLineOutput.lines("flowtest-agent: error: \(error)")
            throw ExitCode2()
        }
        let html = HTMLReport(flowTest: input.flowTest, status: input.status, unreadableAgents: input.unreadableAgents).html()
        do { try ReportFile.write(html, to: output) } catch {
            throw StartupError(error.description)
        }
    }
}
