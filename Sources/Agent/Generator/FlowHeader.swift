import NIOCore

/// The measurement header at the start of each generator message (DESIGN.md, decision 1).
///
/// The echo server is a pure echo, so everything the generator needs to match a reply to its
/// request travels inside the payload: 24 bytes, big-endian:
/// `magic (4) | sequence (4) | flow id (8) | send time in monotonic nanoseconds (8)`.
/// Messages shorter than this carry no header; TCP measures them by their order alone.
struct FlowHeader: Equatable, Sendable {
    /// "FTH1": tells a FlowTest echo apart from stray datagrams.
    static let magic: UInt32 = 0x4654_4831
    static let size = 24

    var sequence: UInt32
    var flowID: UInt64
    var sendTimeNanoseconds: UInt64

    /// Appends the header to `buffer`.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(sequence)
        buffer.writeInteger(flowID)
        buffer.writeInteger(sendTimeNanoseconds)
    }

    /// Reads a header from the start of `buffer` without moving its reader index; nil when the
    /// bytes are too few or do not start with the magic number.
    init?(peekingAt buffer: ByteBuffer) {
        guard buffer.readableBytes >= Self.size,
            buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) == Self.magic,
            let sequence = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self),
            let flowID = buffer.getInteger(at: buffer.readerIndex + 8, as: UInt64.self),
            let sendTime = buffer.getInteger(at: buffer.readerIndex + 16, as: UInt64.self)
        else { return nil }
        self.init(sequence: sequence, flowID: flowID, sendTimeNanoseconds: sendTime)
    }

    init(sequence: UInt32, flowID: UInt64, sendTimeNanoseconds: UInt64) {
        self.sequence = sequence
        self.flowID = flowID
        self.sendTimeNanoseconds = sendTimeNanoseconds
    }
}
