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

    /// Whether the readable bytes of `buffer`, taken as this header's bytes from `offset` on, equal
    /// them; bytes past the header's end are not compared. Builds the header on the stack: a TCP
    /// flow checks its echo against it without keeping the sent header alive in a buffer.
    func matches(_ buffer: ByteBuffer, fromHeaderOffset offset: Int) -> Bool {
        let count = min(Self.size - offset, buffer.readableBytes)
        guard count > 0 else { return true }
        return withUnsafeTemporaryAllocation(byteCount: Self.size, alignment: 8) { expected in
            expected.storeBytes(of: Self.magic.bigEndian, toByteOffset: 0, as: UInt32.self)
            expected.storeBytes(of: sequence.bigEndian, toByteOffset: 4, as: UInt32.self)
            expected.storeBytes(of: flowID.bigEndian, toByteOffset: 8, as: UInt64.self)
            expected.storeBytes(of: sendTimeNanoseconds.bigEndian, toByteOffset: 16, as: UInt64.self)
            return buffer.withUnsafeReadableBytes { received in
                received.prefix(count).elementsEqual(expected[offset..<offset + count])
            }
        }
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
