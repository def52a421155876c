/// Cumulative figures of one echo listener (one protocol and port).
public struct EchoListenerStatistics: Codable, Sendable, Equatable {
    public var `protocol`: Transport
    public var port: Int
    /// TCP only: connections admitted.
    public var connectionsAccepted: UInt64
    /// TCP only: connections open now.
    public var connectionsActive: Int
    /// TCP only: connections closed at once because the connection cap was reached.
    public var connectionsRefused: UInt64
    /// TCP only: connections closed for being idle longer than the idle timeout.
    public var connectionsTimedOut: UInt64
    public var bytesReceived: UInt64
    public var bytesSent: UInt64
    /// UDP only.
    public var datagramsReceived: UInt64
    /// UDP only.
    public var datagramsSent: UInt64
    /// Traffic patterns' requests answered with the response size they asked for.
    public var sizedResponses: UInt64
    /// Sized requests refused: a broken header or a size out of range (the connection is closed,
    /// the datagram dropped).
    public var malformedRequests: UInt64
    /// Listeners that expect marks: arrivals judged (UDP datagrams, TCP connections).
    public var marking: MarkTally?

    public init(
        protocol: Transport, port: Int, connectionsAccepted: UInt64, connectionsActive: Int, connectionsRefused: UInt64,
        connectionsTimedOut: UInt64, bytesReceived: UInt64, bytesSent: UInt64, datagramsReceived: UInt64, datagramsSent: UInt64,
        sizedResponses: UInt64 = 0, malformedRequests: UInt64 = 0
    ) {
        self.sizedResponses = sizedResponses
        self.malformedRequests = malformedRequests
        self.protocol = `protocol`
        self.port = port
        self.connectionsAccepted = connectionsAccepted
        self.connectionsActive = connectionsActive
        self.connectionsRefused = connectionsRefused
        self.connectionsTimedOut = connectionsTimedOut
        self.bytesReceived = bytesReceived
        self.bytesSent = bytesSent
        self.datagramsReceived = datagramsReceived
        self.datagramsSent = datagramsSent
    }
}
