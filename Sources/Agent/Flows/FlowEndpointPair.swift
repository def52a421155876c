import FlowTestShared

/// A flow's two ends and protocol, in a fixed order whichever way a packet went, so that a
/// request and its reply find the same entry.
struct FlowEndpointPair: Hashable, Sendable {
    struct Endpoint: Hashable, Sendable, Comparable {
        var address: String
        var port: Int

        static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
            (lhs.address, lhs.port) < (rhs.address, rhs.port)
        }
    }

    let transport: Transport
    let low: Endpoint
    let high: Endpoint

    init(_ transport: Transport, _ one: Endpoint, _ other: Endpoint) {
        self.transport = transport
        (low, high) = one < other ? (one, other) : (other, one)
    }
}
