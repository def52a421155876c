/// How the flow log is written.
enum FlowLogFormat: String, CaseIterable, Sendable {
    /// One JSON object per line (JSON Lines), snake_case keys like goflow2's.
    case jsonl
    /// One JSON array of those objects.
    case json
    /// A header line, then one line per flow; nfdump's column names where it has one.
    case csv
}
