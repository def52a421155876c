/// How log lines are written to stderr.
public enum LogFormat: String, CaseIterable, Codable, Sendable {
    /// One readable line per event, for terminals.
    case human
    /// One JSON object per line, for log collectors (Loki, Elasticsearch, `kubectl logs | jq`).
    case json
}
