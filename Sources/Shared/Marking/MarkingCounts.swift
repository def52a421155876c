/// An agent's marking figures: what the echo found on arrival, what generators could not mark,
/// and the fireflies sent and received. Absolute counters (DESIGN.md, decision 3).
public struct MarkingCounts: Codable, Sendable, Equatable {
    /// Echo servers: TCP connections checked, by outcome.
    public var tcp = MarkTally()
    /// Echo servers: UDP datagrams checked, by outcome.
    public var udp = MarkTally()
    /// Generators: flows whose flow label the kernel refused (they ran unlabelled).
    public var flowLabelsRefused: UInt64 = 0
    /// Generators: fireflies sent (start and end of each flow, to each destination).
    public var firefliesSent: UInt64 = 0
    /// Echo servers: fireflies received on the firefly port.
    public var firefliesReceived: UInt64 = 0

    public init() {}

    /// Arrivals with every expected mark, in percent of those checked; nil when none was checked.
    public var markedPercent: Double? {
        let checked = tcp.checked + udp.checked
        return checked == 0 ? nil : Double(tcp.marked + udp.marked) * 100 / Double(checked)
    }

    public static func += (lhs: inout MarkingCounts, rhs: MarkingCounts) {
        lhs.tcp += rhs.tcp
        lhs.udp += rhs.udp
        lhs.flowLabelsRefused += rhs.flowLabelsRefused
        lhs.firefliesSent += rhs.firefliesSent
        lhs.firefliesReceived += rhs.firefliesReceived
    }
}
