/// A FlowTest file local mode cannot run: unreadable, not YAML, or invalid. Every problem is
/// listed with its field path; the command exits with code 2.
struct LocalRunInputError: Error, Sendable, CustomStringConvertible {
    var file: String
    var problems: [String]

    var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}
