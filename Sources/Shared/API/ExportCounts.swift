/// What an agent's InfluxDB export did, in its report: points the server took, points dropped
/// (oldest first) while it was away, points it refused, and points still waiting.
public struct ExportCounts: Codable, Sendable, Equatable {
    public var written: UInt64
    public var dropped: UInt64
    public var rejected: UInt64
    public var pending: Int64

    public init(written: UInt64, dropped: UInt64, rejected: UInt64, pending: Int64) {
        self.written = written
        self.dropped = dropped
        self.rejected = rejected
        self.pending = pending
    }
}
