/// What an echo listener found when it checked arrivals against the expected marks: datagrams for
/// UDP, connections for TCP.
public struct MarkTally: Codable, Sendable, Equatable {
    /// Every expected mark arrived (DSCP equal; the SciTag's bits in the flow label).
    public var marked: UInt64 = 0
    /// Marks arrived, but other ones: the network re-marked the packet.
    public var remarked: UInt64 = 0
    /// No expected mark arrived (DSCP 0; a flow label without the tag): the network bleached it.
    public var unmarked: UInt64 = 0

    public init(marked: UInt64 = 0, remarked: UInt64 = 0, unmarked: UInt64 = 0) {
        (self.marked, self.remarked, self.unmarked) = (marked, remarked, unmarked)
    }

    /// Arrivals checked.
    public var checked: UInt64 { marked + remarked + unmarked }

    public static func += (lhs: inout MarkTally, rhs: MarkTally) {
        lhs.marked += rhs.marked
        lhs.remarked += rhs.remarked
        lhs.unmarked += rhs.unmarked
    }
}
