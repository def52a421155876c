/// One protocol's server side of a connection, driven by `ProtocolResponder`.
///
/// It reads requests as they come, in pieces of any size, and appends each one's response
/// to `out`; at bytes its protocol does not allow it appends the protocol's error and stops.
protocol ServerDialect: Sendable {
    /// Consumes `bytes`, appending responses to `out`; returns the requests answered, or the
    /// error once the peer's bytes cannot be read any further.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome
    /// The FlowTest flow id the client's bytes carried, once read; nil from other clients.
    var flowID: UInt64? { get }
}
