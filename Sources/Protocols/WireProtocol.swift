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
    case mysql
    case mongodb
    case ssh
    case smtp
    /// FTP's control connection; its data connections keep FlowTest's framing (any bytes are
    /// FTP data).
    case ftp

    /// The protocol a built-in `pattern` speaks on `port`; nil: FlowTest's sized framing.
    public static func of(pattern: String, port: Int) -> WireProtocol? {
        switch (pattern, port) {
        case ("web", 443), ("web", 8443): .tls
        case ("web", _): .http
        case ("dns", _): .dns
        case ("database", 6379): .redis
        case ("database", 5432): .postgresql
        case ("database", 3306): .mysql
        case ("database", 27017): .mongodb
        case ("ssh", _): .ssh
        // SMTPS (465) is TLS from the first byte: a ClientHello, as web's 443.
        case ("smtp", 465): .tls
        case ("smtp", _): .smtp
        case ("ftp", 21): .ftp
        default: nil
        }
    }

    /// The protocol whose server speaks first on a connection accepted on `port` (a greeting
    /// the client waits for); nil where the client speaks first.
    public static func serverFirst(onPort port: Int) -> WireProtocol? {
        switch port {
        case 3306: .mysql
        case 25, 587: .smtp
        case 21: .ftp
        default: nil
        }
    }
}
