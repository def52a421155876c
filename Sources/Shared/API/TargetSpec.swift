/// Where generators send their flows.
public struct TargetSpec: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// The echo Service's cluster IP (through kube-proxy or the CNI's load balancing).
        case service = "Service"
        /// The echo pods' own IPs, learned through a headless Service and re-resolved: every
        /// generator spreads its flows over every echo pod (a full mesh of pod-to-pod paths, no
        /// load balancing), or over `peersPerGenerator` of them.
        case pods = "Pods"
        /// A host outside the test (`host`), with `ports`; no echo servers are started.
        case external = "External"
    }

    public var mode: Mode = .service
    public var host: String?
    /// The IP families of the echo Service and of the flows, primary first; nil: the cluster's
    /// default (locally IPv4). Two families make the Service dual-stack.
    public var ipFamilies: [IPFamily]?
    /// Pods mode: how many echo pods each generator dials, a window of a ring of them that the
    /// generators' windows together cover; nil: every echo pod (a full mesh).
    public var peersPerGenerator: Int64?

    public init(mode: Mode = .service, host: String? = nil, ipFamilies: [IPFamily]? = nil, peersPerGenerator: Int64? = nil) {
        self.mode = mode
        self.host = host
        self.ipFamilies = ipFamilies
        self.peersPerGenerator = peersPerGenerator
    }

    /// Whether the test runs over IPv6: `ipFamilies` lists it.
    public var allowsIPv6: Bool {
        ipFamilies?.contains(.ipv6) ?? false
    }
}
