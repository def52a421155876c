/// One invalid field, worded as the Kubernetes API server words it: `spec.flows.rate: Invalid
/// value: 0: ...`, so local mode and `kubectl apply` tell the user the same thing.
public struct FieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field's path, `spec.flows.rate`.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
