/// One entry of `spec.flows.mix`: a named kind of traffic and its share of the flows.
///
/// A built-in pattern (`web`, `dns`, `ssh`, `database`, `smtp`, `ftp`, `random`) brings its own
/// rules; any field given here replaces that rule (for example other `ports` where the well-known
/// ones are taken). Any other name is a custom pattern, which must give protocol, ports and sizes.
public struct TrafficMixEntry: Codable, Sendable, Equatable {
    public var pattern: String
    /// Relative share of the flows: an entry's flows are `weight / sum of weights` of all flows.
    public var weight: Int64
    public var `protocol`: Transport?
    public var ports: [Int64]?
    /// Bytes the generator sends in each message.
    public var requestSize: SizeRange?
    /// Bytes the echo sends back for each message; the generator asks for them in its header.
    public var responseSize: SizeRange?
    /// Exchanges per flow; the flow ends after them, or at the end of its lifetime if sooner.
    /// Nil: exchanges until the lifetime ends.
    public var messages: SizeRange?
    /// web: the HTTP Host header and TLS server name (SNI); smtp: the mail domain. What an L7
    /// policy's host or `serverNames` rule matches. Nil: `www.flowtest.example`.
    public var host: String?
    /// web: the HTTP request path, what an L7 policy's path rule matches. Nil: `/flowtest`.
    public var path: String?
    /// dns: the name queried (TXT records), what a `toFQDNs` rule matches. Nil: `dns.flowtest.example`.
    public var dnsName: String?

    /// The patterns FlowTest knows by name; docs/traffic-mix.md's table has their rules.
    public static let builtInPatterns = ["web", "dns", "ssh", "database", "smtp", "ftp", "random"]
    /// Every message of a mix carries the 32-byte header that asks for its response's size.
    public static let smallestMessage: Int64 = 32

    public init(pattern: String, weight: Int64) {
        self.pattern = pattern
        self.weight = weight
    }

    /// Whether the pattern is one of the built-in ones.
    public var isBuiltIn: Bool { Self.builtInPatterns.contains(pattern) }
}
