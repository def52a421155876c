import ArgumentParser

/// Where and how the flow log is written, as typed; `FlowLogSettings.resolve` validates it.
struct FlowLogOptions: ParsableArguments {
    @Option(help: "Write one record per flow to this file, or - for stdout (JSON Lines, each marked as {\"flowtest_flow\":{...}}); unset: no flow log (env FLOWTEST_FLOW_LOG).")
    var flowLog: String?

    @Option(help: "jsonl, json or csv; stdout takes jsonl only (env FLOWTEST_FLOW_LOG_FORMAT, default jsonl).")
    var flowLogFormat: String?
}
