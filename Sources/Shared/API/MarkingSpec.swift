/// How generated packets are marked (`spec.flows.marking`): a DSCP, a SciTags flow label, fireflies.
public struct MarkingSpec: Codable, Sendable, Equatable {
    /// The DiffServ code point of every packet, both ways (the echo marks its replies too).
    public var dscp: DSCPValue?
    /// IPv6 only: the SciTags experiment and activity written into every flow's label.
    public var scitag: SciTag?
    /// Whether and where each flow's start and end are announced (needs `scitag`).
    public var fireflies: FireflySpec?

    public init(dscp: DSCPValue? = nil, scitag: SciTag? = nil, fireflies: FireflySpec? = nil) {
        self.dscp = dscp
        self.scitag = scitag
        self.fireflies = fireflies
    }
}
