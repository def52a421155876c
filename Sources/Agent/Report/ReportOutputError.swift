/// The report could not be written where `--output` (or `run --report`) said.
struct ReportOutputError: Error, Sendable, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "cannot write the report to \(path): \(reason)" }
}
