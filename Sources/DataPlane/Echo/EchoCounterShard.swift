import Synchronization

/// One loop's counters for one echo listener. Only that loop writes them, so an increment is a
/// relaxed load and store (no locked instruction, no cache line shared with another writer);
/// any thread may read them, and the listener's figures are the sum over its shards.
public final class EchoCounterShard: Sendable {
    public let connectionsAccepted = Atomic<UInt64>(0)
    public let connectionsActive = Atomic<Int>(0)
    public let connectionsRefused = Atomic<UInt64>(0)
    public let connectionsTimedOut = Atomic<UInt64>(0)
    public let bytesReceived = Atomic<UInt64>(0)
    public let bytesSent = Atomic<UInt64>(0)
    public let datagramsReceived = Atomic<UInt64>(0)
    public let datagramsSent = Atomic<UInt64>(0)
    /// Traffic patterns' requests answered with the response size they asked for.
    public let sizedResponses = Atomic<UInt64>(0)
    /// Sized requests refused for a broken header or an impossible size (the peer's bytes).
    public let malformedRequests = Atomic<UInt64>(0)

    public init() {}
}

extension Atomic where Value == UInt64 {
    /// Adds `amount`; only for a counter with a single writer (a loop's own shard).
    @inline(__always)
    func bump(_ amount: UInt64 = 1) {
        store(load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}

extension Atomic where Value == Int {
    /// Adds `amount` (may be negative); only for a counter with a single writer.
    @inline(__always)
    func bump(_ amount: Int) {
        store(load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}

extension EchoCounterShard {
    /// The shard's figures now, as plain values to add up.
    public func values() -> EchoCounterValues {
        EchoCounterValues(
            connectionsAccepted: connectionsAccepted.load(ordering: .relaxed), connectionsActive: connectionsActive.load(ordering: .relaxed),
            connectionsRefused: connectionsRefused.load(ordering: .relaxed), connectionsTimedOut: connectionsTimedOut.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed), bytesSent: bytesSent.load(ordering: .relaxed),
            datagramsReceived: datagramsReceived.load(ordering: .relaxed), datagramsSent: datagramsSent.load(ordering: .relaxed),
            sizedResponses: sizedResponses.load(ordering: .relaxed), malformedRequests: malformedRequests.load(ordering: .relaxed))
    }
}
