/// An IP family, spelled as Kubernetes Services spell it (`spec.ipFamilies`).
public enum IPFamily: String, Codable, Sendable, CaseIterable {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"

    /// The loopback address local mode uses for this family.
    public var loopback: String {
        switch self {
        case .ipv4: "127.0.0.1"
        case .ipv6: "::1"
        }
    }
}
