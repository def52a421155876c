/// A field of a flow record that is missing or has the wrong type.
struct FlowLogRecordFieldError: Error, Sendable, CustomStringConvertible {
    var field: String
    /// The value as read; nil when the field was missing or empty.
    var value: String?

    var description: String {
        value.map { "field \(field) has an unexpected value \($0)" } ?? "field \(field) is missing"
    }
}
