/// What the fake received for one object: write requests (create, update, patch, delete, on the
/// object or its subresources) and their body bytes, refused ones included, since they cost the
/// real apiserver too. Lets a test assert a write pattern, such as one write per report interval
/// per agent, or a FlowTest status written at a bounded rate.
public struct FakeWriteStatistics: Sendable, Equatable {
    public var writes: Int
    public var bytes: Int

    public init(writes: Int = 0, bytes: Int = 0) {
        self.writes = writes
        self.bytes = bytes
    }
}
