import FlowTestShared

/// The flow log's destination and format, validated.
struct FlowLogSettings: Sendable, Equatable {
    /// Where the records go.
    enum Destination: Sendable, Equatable {
        /// Marked JSON Lines among the agent's other output, for `kubectl logs` and log pipelines.
        case standardOutput
        case file(String)
    }

    var destination: Destination
    var format: FlowLogFormat
    /// The FlowTest the records belong to, written into each; nil outside a test.
    var flowTest: String?

    /// The settings from flags and `FLOWTEST_*` variables; nil when no flow log is asked for.
    static func resolve(_ options: FlowLogOptions, _ resolver: SettingResolver, flowTest: String? = nil) throws(ConfigurationError) -> Self? {
        let path = try resolver.resolveOptional("--flow-log", options.flowLog, expected: "a file path, or - for stdout") { $0.isEmpty ? nil : $0 }
        let format = try resolver.resolve(
            "--flow-log-format", options.flowLogFormat, default: FlowLogFormat.jsonl,
            expected: ValueParsers.describeChoices(FlowLogFormat.self), parse: ValueParsers.choice(FlowLogFormat.self))
        guard let path else {
            if let given = resolver.raw("--flow-log-format", options.flowLogFormat) {
                throw ConfigurationError(setting: "--flow-log-format", value: given.value, expected: "--flow-log FILE or - to go with it")
            }
            return nil
        }
        // The summary line shares stdout: only marked JSON Lines can be told apart from it.
        if path == "-", format != .jsonl {
            throw ConfigurationError(
                setting: "--flow-log-format", value: format.rawValue,
                expected: "jsonl with --flow-log - (stdout also carries the summary); write \(format.rawValue) to a file, or convert with `flowtest-agent flows convert`")
        }
        return FlowLogSettings(destination: path == "-" ? .standardOutput : .file(path), format: format, flowTest: flowTest)
    }
}
