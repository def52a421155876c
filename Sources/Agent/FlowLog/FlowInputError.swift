/// Input that is not what a flows command reads, with where: the file and the line.
struct FlowInputError: Error, Sendable, CustomStringConvertible {
    var source: String
    /// 1-based; nil when the problem is the whole file (cannot be read).
    var line: Int?
    var problem: String

    var description: String {
        line.map { "\(source) line \($0): \(problem)" } ?? "\(source): \(problem)"
    }
}
