/// Why `flowtest-agent report` cannot make a report: one line naming the input and what was
/// wrong with it; the command exits with code 2, as `run` does for a bad file.
struct ReportInputError: Error, Sendable, CustomStringConvertible {
    /// The file, or `stdin`.
    var source: String
    var problem: String

    var description: String { "\(source): \(problem)" }
}
