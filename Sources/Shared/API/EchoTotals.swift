/// The echo servers' side of a test, summed over every listener of every echo incarnation.
public struct EchoTotals: Codable, Sendable, Equatable {
    public var tcpConnectionsAccepted: Int64 = 0
    /// Closed at once because an echo's connection cap was reached.
    public var tcpConnectionsRefused: Int64 = 0
    /// Closed for idling past the echo's idle timeout.
    public var tcpConnectionsTimedOut: Int64 = 0
    public var udpDatagramsReceived: Int64 = 0
    public var udpDatagramsSent: Int64 = 0
    public var bytesReceived: Int64 = 0
    public var bytesSent: Int64 = 0

    public init() {}

    /// Adds one listener's counters.
    public mutating func add(_ listener: EchoListenerStatistics) {
        tcpConnectionsAccepted += Int64(clamping: listener.connectionsAccepted)
        tcpConnectionsRefused += Int64(clamping: listener.connectionsRefused)
        tcpConnectionsTimedOut += Int64(clamping: listener.connectionsTimedOut)
        udpDatagramsReceived += Int64(clamping: listener.datagramsReceived)
        udpDatagramsSent += Int64(clamping: listener.datagramsSent)
        bytesReceived += Int64(clamping: listener.bytesReceived)
        bytesSent += Int64(clamping: listener.bytesSent)
    }
}
