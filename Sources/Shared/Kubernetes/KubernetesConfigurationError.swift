/// A configuration the client cannot use, with what to do instead.
public struct KubernetesConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
