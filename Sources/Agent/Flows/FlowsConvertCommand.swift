import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-agent flows convert`: the records among mixed lines, as one clean file.
struct FlowsConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Collect flow records from `kubectl logs` output (or any flow log) into one CSV, JSON or JSON Lines file.",
        discussion: """
            Reads marked records ({"flowtest_flow":{...}}) among log lines and summaries, with or without kubectl's
            --prefix and --timestamps, as well as flow logs in any of the three formats. Other lines are skipped.
            Example: kubectl logs -l flowtest.dev/name=quickstart --prefix --tail=-1 | flowtest-agent flows convert --to csv -o flows.csv
            Exit codes: 0 converted, 2 a record could not be read (the error names the line), 64 invalid flag.
            """)

    @Argument(help: "Input files; - or none reads stdin.")
    var inputs: [String] = []

    @Option(help: "Output format: jsonl, json or csv (default jsonl).")
    var to: String?

    @Option(name: [.short, .customLong("output")], help: "Output file (default stdout).")
    var output: String?

    func run() async throws {
        let resolver = SettingResolver(environment: [:])
        let format = try resolver.resolve(
            "--to", to, default: FlowLogFormat.jsonl, expected: ValueParsers.describeChoices(FlowLogFormat.self),
            parse: ValueParsers.choice(FlowLogFormat.self))
        var records: [FlowLogRecord] = []
        var skipped = 0
        for input in inputs.isEmpty ? ["-"] : inputs {
            let result = try FlowLogRecordReader.read(try FlowInputFile.read(input), source: input == "-" ? "stdin" : input)
            records += result.records
            skipped += result.skippedLines
        }
        let destination: FlowLogSettings.Destination = output.map { $0 == "-" ? .standardOutput : .file($0) } ?? .standardOutput
        // A clean file: unmarked records, whatever the destination.
        let writer = try FlowLogWriter(settings: FlowLogSettings(destination: destination, format: format), marked: false, capacity: max(1, records.count))
        for record in records { writer.append(record) }
        writer.finish()
        if let failure = writer.failure { throw StartupError("cannot write \(output ?? "stdout"): \(failure)") }
        CommandLineOutput.lines("\(records.count) flow records written; \(skipped) other lines skipped")
    }
}
