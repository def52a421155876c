import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-agent flows diff`: which of FlowTest's flows Hubble saw.
struct FlowsDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Check a flow log against Hubble: which flows Hubble saw, with which verdicts, and which it missed.",
        discussion: """
            FLOWS is a flow log (any format) or `kubectl logs` output with both the generators' and the echo servers'
            records; the echo's records give the backend side of each flow. A flow matches a Hubble event of the same
            protocol between its two ends, either way, as the generator or the echo saw them (VIP or backend), within
            its time window plus --slack. Prints a JSON report on stdout and the totals on stderr.
            Exit codes: 0 every flow seen, 1 some flows missing, 2 unreadable input (the error names the line), 64 invalid flag.
            """)

    @Option(help: "Output of `hubble observe -o jsonpb` (JSON Lines); - for stdin.")
    var hubble: String

    @Argument(help: "The flow log.")
    var flows: String

    @Option(help: "How far outside a flow's start and end a Hubble event may be, e.g. 500ms (default 1s).")
    var slack: String?

    func run() async throws {
        let slack = try SettingResolver(environment: [:]).resolve(
            "--slack", slack, default: Duration.seconds(1), expected: "a duration such as 500ms or 2s", parse: ValueParsers.duration)
        guard hubble != "-" || flows != "-" else {
            throw ConfigurationError(setting: "--hubble", value: "-", expected: "a file when the flow log is read from stdin")
        }
        let records = try FlowLogRecordReader.read(try FlowInputFile.read(flows), source: flows == "-" ? "stdin" : flows).records
        let index = try HubbleFlowIndex(jsonLines: try FlowInputFile.read(hubble), source: hubble == "-" ? "stdin" : hubble)
        let (seconds, attoseconds) = slack.components
        let join = HubbleJoin(records: records, hubble: index, slackNanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let report = HubbleDiffReport(join, hubbleFlows: index.flowCount)
        CommandLineOutput.result(try report.json())
        let totals = report.totals
        CommandLineOutput.lines(
            "\(totals.flows) flows: \(totals.seen) seen by Hubble (\(totals.droppedByPolicy) dropped by policy), \(totals.missing) missing, \(totals.noTuple) without a 5-tuple; \(totals.hubbleFlows) Hubble flow events")
        if totals.missing > 0 { throw ExitCode(1) }
    }
}
