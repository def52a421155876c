/// A records config that cannot be used: each problem names its field.
struct RecordsConfigError: Error, CustomStringConvertible {
    let file: String
    let problems: [String]

    var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}
