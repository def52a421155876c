/// An echo listener's counters as plain values: one shard's, or the sum of several.
public struct EchoCounterValues: Sendable, Equatable {
    public var connectionsAccepted: UInt64 = 0
    public var connectionsActive = 0
    public var connectionsRefused: UInt64 = 0
    public var connectionsTimedOut: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var bytesSent: UInt64 = 0
    public var datagramsReceived: UInt64 = 0
    public var datagramsSent: UInt64 = 0
    public var sizedResponses: UInt64 = 0
    public var malformedRequests: UInt64 = 0

    public init(
        connectionsAccepted: UInt64 = 0, connectionsActive: Int = 0, connectionsRefused: UInt64 = 0, connectionsTimedOut: UInt64 = 0,
        bytesReceived: UInt64 = 0, bytesSent: UInt64 = 0, datagramsReceived: UInt64 = 0, datagramsSent: UInt64 = 0,
        sizedResponses: UInt64 = 0, malformedRequests: UInt64 = 0
    ) {
        (self.connectionsAccepted, self.connectionsActive, self.connectionsRefused, self.connectionsTimedOut) =
            (connectionsAccepted, connectionsActive, connectionsRefused, connectionsTimedOut)
        (self.bytesReceived, self.bytesSent, self.datagramsReceived, self.datagramsSent) = (bytesReceived, bytesSent, datagramsReceived, datagramsSent)
        (self.sizedResponses, self.malformedRequests) = (sizedResponses, malformedRequests)
    }

    /// Adds `other`'s figures to these.
    public mutating func add(_ other: EchoCounterValues) {
        connectionsAccepted &+= other.connectionsAccepted
        connectionsActive += other.connectionsActive
        connectionsRefused &+= other.connectionsRefused
        connectionsTimedOut &+= other.connectionsTimedOut
        bytesReceived &+= other.bytesReceived
        bytesSent &+= other.bytesSent
        datagramsReceived &+= other.datagramsReceived
        datagramsSent &+= other.datagramsSent
        sizedResponses &+= other.sizedResponses
        malformedRequests &+= other.malformedRequests
    }
}
