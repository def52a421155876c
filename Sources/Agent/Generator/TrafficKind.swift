import FlowTestProtocols
import FlowTestShared

/// What one kind of flow sends and expects back, shared by every flow of that kind: a flow's
/// handler holds a reference to it rather than its own copy of the sizes.
final class TrafficKind: Sendable {
    /// Index of the kind's pattern in the run's pattern names (its per-pattern figures); nil
    /// without a mix.
    let patternSlot: Int?
    /// Nil: flows alternate over the run's protocol setting (the `random` pattern, or no mix).
    let transport: Transport?
    /// Nil: the run's ports of the flow's transport.
    let ports: [Int]?
    let request: PayloadSize
    /// Nil: the echo returns the request unchanged; otherwise each request's sized header asks for
    /// a response drawn from this.
    let response: PayloadSize?
    /// Exchanges per flow; nil: until the flow's lifetime ends.
    let messages: ClosedRange<Int>?
    /// The protocol its flows speak, by destination port; a port not here keeps FlowTest's
    /// own framing (custom patterns, `random`, a built-in pattern on a port of no protocol).
    let protocols: [Int: WireProtocol]
    /// Host, path, SNI and DNS name of the flows that speak a protocol.
    let names: ProtocolNames

    init(
        patternSlot: Int? = nil, transport: Transport? = nil, ports: [Int]? = nil, request: PayloadSize, response: PayloadSize? = nil,
        messages: ClosedRange<Int>? = nil, protocols: [Int: WireProtocol] = [:], names: ProtocolNames = .defaults
    ) {
        (self.patternSlot, self.transport, self.ports, self.request) = (patternSlot, transport, ports, request)
        (self.response, self.messages, self.protocols, self.names) = (response, messages, protocols, names)
    }

    /// The conversation flow `flowID` of this kind holds with `port`; nil: FlowTest's framing.
    func conversation(port: Int, flowID: UInt64 = 0) -> ClientConversation? {
        protocols[port].map { ClientConversation($0, names: names, flowID: flowID) }
    }

    /// The flows of a run without a mix: the run's payload, echoed, for the whole lifetime.
    static func plain(_ payload: PayloadSize) -> TrafficKind {
        TrafficKind(request: payload)
    }
}
