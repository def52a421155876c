/// Which transport a generator uses for its flows.
public enum FlowProtocol: String, CaseIterable, Codable, Sendable {
    case tcp
    case udp
    /// Each new flow picks TCP or UDP in turn, so both see the same rate.
    case both

    /// Whether TCP flows are generated.
    public var includesTCP: Bool { self != .udp }
    /// Whether UDP flows are generated.
    public var includesUDP: Bool { self != .tcp }

    /// The transports of this setting's flows, in the order they alternate.
    public var transports: [Transport] {
        switch self {
        case .tcp: [.tcp]
        case .udp: [.udp]
        case .both: [.tcp, .udp]
        }
    }
}
