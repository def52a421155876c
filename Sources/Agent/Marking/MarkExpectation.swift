import FlowTestShared

/// The marks an echo server expects on arrival (its `--dscp` and `--scitag`), and how it judges
/// what came.
struct MarkExpectation: Equatable, Sendable {
    var dscp: DSCPValue?
    var scitag: SciTag?

    /// What one arrival carried, judged against the expectation.
    enum Outcome: Sendable {
        case marked, remarked, unmarked
    }

    /// Judges an arrival with traffic class `trafficClass` and, over IPv6, flow label `flowLabel`
    /// (nil over IPv4, which has none: a SciTag is then not judged). Nil when nothing was judged.
    ///
    /// Marked: every expected mark is there. Unmarked: none of them is (DSCP 0; a label without
    /// the tag), what a network that bleaches marks leaves. Re-marked: anything else (another
    /// DSCP, or only some of the marks).
    ///
    /// A label without the tag counts as no tag rather than another one: Linux gives every IPv6
    /// flow a label of its own (`net.ipv6.auto_flowlabels`), so a flow that lost its SciTag, or
    /// never had one, still arrives with some label, and there is no "re-marked label" to tell apart.
    func judge(trafficClass: UInt8?, flowLabel: UInt32?) -> Outcome? {
        var expected = 0
        var matched = 0
        var absent = 0
        if let dscp {
            expected += 1
            let arrived = (trafficClass ?? 0) >> 2
            if arrived == dscp.codePoint { matched += 1 } else if arrived == 0 { absent += 1 }
        }
        if let scitag, let flowLabel {
            expected += 1
            if scitag.matches(label: flowLabel) { matched += 1 } else { absent += 1 }
        }
        guard expected > 0 else { return nil }
        return matched == expected ? .marked : (absent == expected ? .unmarked : .remarked)
    }
}
