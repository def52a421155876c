import FlowTestShared

/// What one TCP connection at the echo did, handed to the observer when it ends (the flow log):
/// made only when an observer is set, so a connection without one pays nothing for it.
public struct EchoConnectionSummary: Sendable {
    /// The client as it reached the echo (after any SNAT).
    public var clientAddress = ""
    public var clientPort = 0
    /// The echo's own address as the kernel bound the connection (the backend after any DNAT).
    public var serverAddress = ""
    public var serverPort = 0
    /// Monotonic nanoseconds (CLOCK_MONOTONIC), as NIODeadline counts them.
    public var startNanoseconds: UInt64 = 0
    public var endNanoseconds: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    /// Bytes sent back: the bytes received for a pure echo, the responses for sized requests.
    public var bytesSent: UInt64 = 0
    /// The flow named by a FlowTest header at the start of the stream.
    public var flowID: UInt64?
    /// Why the connection ended, when it did not end cleanly.
    public var failure: FlowFailureReason?
}

/// Receives every TCP connection's summary as it ends, on the loop's thread: keep it short.
public protocol EchoConnectionObserver: Sendable {
    func ended(_ connection: EchoConnectionSummary)
}
