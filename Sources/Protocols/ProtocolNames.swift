/// The names a flow puts on the wire, which L7 policies match: HTTP Host and path, TLS SNI,
/// DNS query name.
///
/// They come from the FlowTest so that a CiliumNetworkPolicy can allow one path or FQDN and
/// deny another; the defaults sit under `flowtest.example` (RFC 2606), which never resolves.
public struct ProtocolNames: Sendable, Equatable {
    /// HTTP `Host` header and TLS server name (SNI).
    public var host: String
    /// HTTP request path, starting with "/".
    public var path: String
    /// The name DNS queries ask for (its TXT records).
    public var dnsName: String

    public static let defaults = ProtocolNames(host: "www.flowtest.example", path: "/flowtest", dnsName: "dns.flowtest.example")

    public init(host: String, path: String, dnsName: String) {
        (self.host, self.path, self.dnsName) = (host, path, dnsName)
    }
}
