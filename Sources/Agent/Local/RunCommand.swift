import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-agent run FILE`: a whole FlowTest on this machine, no cluster.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a FlowTest manifest locally: echo servers and generators in this process, on loopback.",
        discussion: """
            The file is the same FlowTest YAML that `kubectl apply` takes, validated with the same rules.
            At the end the FlowTest is printed with its status as the cluster would have it (stdout), with a short table (stderr);
            --report FILE also writes the HTML report.
            Exit codes: 0 Succeeded, 1 a threshold failed, 2 invalid file, 64 invalid flag, 130 interrupted.
            """)

    @Argument(help: "A FlowTest manifest (YAML or JSON).")
    var file: String

    @Option(name: [.short, .customLong("output")], help: "Status format on stdout: yaml or json (env FLOWTEST_OUTPUT, default yaml).")
    var output: String?

    @Option(help: "Override spec.duration, e.g. 5s for a quick try (env FLOWTEST_DURATION).")
    var duration: String?

    @Flag(help: "Let the kernel pick free ports instead of binding spec.ports (env FLOWTEST_ANY_PORTS).")
    var anyPorts = false

    @Flag(help: "No progress lines (env FLOWTEST_QUIET).")
    var quiet = false

    @Option(help: "Also write the HTML report (as `flowtest-agent report` makes it) to this file at the end (env FLOWTEST_REPORT).")
    var report: String?

    @OptionGroup var common: CommonOptions
    @OptionGroup var export: InfluxDBOptions
    @OptionGroup var flowLog: FlowLogOptions

    func run() async throws {
        let resolver = SettingResolver(environment: ProcessInfo.processInfo.environment)
        var settings = try CommonSettings.resolve(common, resolver)
        // One process, so one metrics endpoint: free unless asked for, so runs never collide.
        if common.metricsPort == nil, resolver.raw("--metrics-port", nil) == nil { settings.metricsPort = 0 }
        let options = LocalRunOptions(
            file: file,
            output: try resolver.resolve(
                "--output", output, default: .yaml, expected: ValueParsers.describeChoices(LocalRunOptions.Format.self),
                parse: ValueParsers.choice(LocalRunOptions.Format.self)),
            duration: try resolver.resolveOptional(
                "--duration", duration, expected: "a duration such as 5s or 2m",
                parse: { ValueParsers.duration($0) != nil && $0.range(of: Schema.durationPattern, options: .regularExpression) != nil ? $0 : nil }),
            anyPorts: try resolver.resolveSwitch("--any-ports", anyPorts),
            quiet: try resolver.resolveSwitch("--quiet", quiet),
            report: try resolver.resolveOptional("--report", report, expected: "a file path") { $0.isEmpty ? nil : $0 },
            influxDB: try InfluxDBSettings.resolve(export, resolver),
            flowLog: try FlowLogSettings.resolve(flowLog, resolver))
        let outcome = try await LocalRun(options: options, settings: settings).run()
        throw ExitCode(outcome.exitCode)
    }
}
