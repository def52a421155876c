import ArgumentParser
import FlowTestShared
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `flowtest-agent records`: synthetic flow records, fast, from a config.
struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Write synthetic flow records (CSV, JSON Lines or JSON) for loading flow collectors and pipelines.",
        discussion: """
            The config (YAML or JSON) sets the count or time span, bandwidth, start time, seed, traffic patterns and
            subnets with their shares; docs/records.md has its fields and the patterns' rules. The same seed gives the same
            bytes. A one-line summary goes to stderr. Exit codes: 0 written, 2 invalid config, 1 the output failed.
              flowtest-agent records config.yaml --format jsonl > flows.jsonl
            """)

    @Argument(help: "The config file (YAML or JSON), or - for standard input.")
    var config: String

    @Option(help: "csv, jsonl or json (default csv).")
    var format = RecordFormat.csv

    @Option(name: [.short, .customLong("output")], help: "Where to write the records (default: standard output).")
    var output = "-"

    func run() throws {
        let parsed: RecordsConfig
        do { parsed = try RecordsConfig.load(config) } catch {
            CommandLineOutput.lines(error.description.split(separator: "\n").map { "flowtest-agent: error: \($0)" }.joined(separator: "\n"))
            throw ExitCode2()
        }
        let descriptor = output == "-" ? STDOUT_FILENO : open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw StartupError("--output \(output): \(String(cString: strerror(errno)))") }
        defer { if descriptor != STDOUT_FILENO { close(descriptor) } }
        let started = ContinuousClock.now
        let writer = RecordOutput(descriptor: descriptor)
        let formatter = RecordFormatter(format: format, output: writer)
        var generator = RecordGenerator(parsed)
        var count: UInt64 = 0
        do {
            try formatter.begin()
            while let record = generator.next() {
                try formatter.write(record)
                count += 1
            }
            try formatter.end()
        } catch {
            throw StartupError("--output \(output): writing records failed after \(count): \(error)")
        }
        let seconds = (ContinuousClock.now - started).seconds
        CommandLineOutput.lines(
            "records: \(count) records, \(writer.written) bytes in \(String(format: "%.3f", seconds)) s, \(Int(Double(count) / max(seconds, 1e-9))) records/s")
    }
}
