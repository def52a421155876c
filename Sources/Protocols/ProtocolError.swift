/// Bytes a peer sent that its protocol does not allow where they came, or an answer that says
/// the request failed (an HTTP status, a DNS RCODE, a PostgreSQL ErrorResponse, a RESP error).
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var wireProtocol: WireProtocol
    /// What was wrong, and what was expected instead.
    public var reason: String

    public init(_ wireProtocol: WireProtocol, _ reason: String) {
        (self.wireProtocol, self.reason) = (wireProtocol, reason)
    }

    public var description: String { "\(wireProtocol.rawValue): \(reason)" }
}
