/// One protocol's client side of a conversation, driven by `ClientConversation`.
///
/// Plain values over byte arrays, with no event loop: a NIO handler, an epoll loop or a
/// blocking socket can all drive one. One request is in flight at a time, so a reply is
/// complete exactly when its last byte arrives, and the round trip needs no header.
protocol ClientDialect: Sendable {
    /// Appends the next step of the opening (a ClientHello, a startup message) to `out`, and
    /// says whether the server's reply must come before the next step.
    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep
    /// Appends one request of about `size` bytes that asks for a response of `responseSize`.
    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8])
    /// Reads the server's bytes of the awaited reply; true once it is complete. Bytes past its
    /// end, or bytes the protocol does not allow, throw.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool
    /// Appends what a polite client sends before closing (PostgreSQL's Terminate, SMTP's QUIT);
    /// true when the server answers it (SMTP's 221), which `consume` then reads.
    mutating func appendFarewell(into out: inout [UInt8]) -> Bool
}

extension ClientDialect {
    mutating func appendFarewell(into out: inout [UInt8]) -> Bool { false }
}
