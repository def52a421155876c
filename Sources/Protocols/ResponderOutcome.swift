/// What one read of a connection came to on the echo's side.
public struct ResponderOutcome: Sendable, Equatable {
    /// Requests answered in full (their responses are in the output).
    public var answered: Int
    /// The bytes that broke the protocol: the output ends with the protocol's error reply, and
    /// the connection must be closed once it is written, as the protocol's servers do.
    public var malformed: ProtocolError?
    /// The peer said goodbye (PostgreSQL Terminate, RESP QUIT): close once the output is written.
    public var finished: Bool
    /// The FlowTest flow the requests belong to, once they have said (a header, a startup
    /// parameter, an EDNS option): what the echo's flow log joins the generator's on.
    public var flowID: UInt64?

    public init(answered: Int = 0, malformed: ProtocolError? = nil, finished: Bool = false, flowID: UInt64? = nil) {
        (self.answered, self.malformed, self.finished, self.flowID) = (answered, malformed, finished, flowID)
    }

    /// Whether the connection should be closed after the output is written.
    public var closes: Bool { malformed != nil || finished }
}
