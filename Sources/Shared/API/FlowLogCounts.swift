/// What an agent's flow log did, in its report and summary: records written, and records dropped
/// because the writer fell behind (never silently).
public struct FlowLogCounts: Codable, Sendable, Equatable {
    public var written: UInt64
    public var dropped: UInt64

    public init(written: UInt64 = 0, dropped: UInt64 = 0) {
        self.written = written
        self.dropped = dropped
    }
}
