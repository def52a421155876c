/// The application protocols the traffic mix's built-in patterns speak.
///
/// A flow's protocol follows from its pattern and the port the pattern's rule names (the
/// well-known one, even when `--any-ports` sent the flow elsewhere), the way a port tells a
/// firewall or a dissector what to expect. A pattern on a port with no protocol here keeps
/// FlowTest's own sized framing, so any port still works.
public enum WireProtocol: String, Sendable, CaseIterable {
    case http
    /// A TLS 1.3 ClientHello with SNI, then application-data records (no real handshake).
    case tls
    case dns
    case redis
    case postgresql

    /// The protocol a built-in `pattern` speaks on `port`; nil: FlowTest's sized framing.
    public static func of(pattern: String, port: Int) -> WireProtocol? {
        switch (pattern, port) {
        case ("web", 443), ("web", 8443): .tls
        case ("web", _): .http
        case ("dns", _): .dns
        case ("database", 6379): .redis
        case ("database", 5432): .postgresql
        default: nil
        }
    }
}
