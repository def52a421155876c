/// A failure that keeps a command from running at all (a port in use, an address that is not
/// local); printed as one line, exit code 1.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
