import ArgumentParser

/// How records are written.
enum RecordFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// A header line, then one line per record; nfdump's column names.
    case csv
    /// One JSON object per line, goflow2's field names.
    case jsonl
    /// One JSON array of the same objects.
    case json
}
