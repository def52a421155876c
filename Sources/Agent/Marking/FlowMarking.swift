import FlowTestShared

/// How a generator marks its flows (`--dscp`, `--scitag`, fireflies); empty marks nothing.
struct FlowMarking: Equatable, Sendable {
    var dscp: DSCPValue?
    var scitag: SciTag?
    /// Fireflies to each flow's destination on this port; nil sends none there.
    var fireflyPort: Int?
    /// Fireflies to this collector too (`host:port`).
    var fireflyCollector: String?

    /// Whether any mark is set; without one, no flow does any marking work.
    var isEnabled: Bool { dscp != nil || scitag != nil || sendsFireflies }

    /// Whether fireflies are sent at all.
    var sendsFireflies: Bool { fireflyPort != nil || fireflyCollector != nil }
}
