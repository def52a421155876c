import FlowTestDataPlane
import NIOCore

/// The measurement header at the start of each generator message (DESIGN.md, decision 1).
///
/// The echo server is a pure echo, so everything the generator needs to match a reply to its
/// request travels inside the payload, big-endian:
/// `magic (4) | sequence (4) | flow id (8) | send time in monotonic nanoseconds (8)`: 24 bytes.
/// A traffic pattern whose response differs from its request (a web download) sends the sized
/// form instead, magic "FTH2" and 32 bytes: `... | request size (4) | response size (4)`; the echo
/// reads the request's size to find the next message in a TCP stream, and answers with a response
/// of the size asked for, starting with this header. Messages shorter than 24 bytes carry no
/// header; TCP measures them by their order alone.
struct FlowHeader: Equatable, Sendable {
    /// "FTH1": tells a FlowTest echo apart from stray datagrams.
    static let magic: UInt32 = 0x4654_4831
    /// "FTH2": a request that asks for a response of its own size (the echo reads it as `SizedWire`).
    static let sizedMagic = SizedWire.magic
    static let size = 24
    static let sizedSize = SizedWire.headerSize

    var sequence: UInt32
    var flowID: UInt64
    var sendTimeNanoseconds: UInt64
    /// The sized form's sizes: the whole request's bytes and the response's asked for; nil: FTH1.
    var sizes: MessageSizes?

    /// The request and response sizes a sized header carries.
    struct MessageSizes: Equatable, Sendable {
        var request: UInt32
        var response: UInt32
    }

    /// How many bytes this header takes.
    var encodedSize: Int { sizes == nil ? Self.size : Self.sizedSize }

    /// Appends the header to `buffer`.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(sizes == nil ? Self.magic : Self.sizedMagic)
        buffer.writeInteger(sequence)
        buffer.writeInteger(flowID)
        buffer.writeInteger(sendTimeNanoseconds)
        if let sizes {
            buffer.writeInteger(sizes.request)
            buffer.writeInteger(sizes.response)
        }
    }

    /// Whether the readable bytes of `buffer`, taken as this header's bytes from `offset` on, equal
    /// them; bytes past the header's end are not compared. Builds the header on the stack: a TCP
    /// flow checks its echo against it without keeping the sent header alive in a buffer.
    func matches(_ buffer: ByteBuffer, fromHeaderOffset offset: Int) -> Bool {
        buffer.withUnsafeReadableBytes { matches($0, fromHeaderOffset: offset) }
    }

    /// `matches(_:fromHeaderOffset:)` over raw bytes.
    func matches(_ received: UnsafeRawBufferPointer, fromHeaderOffset offset: Int) -> Bool {
        let count = min(encodedSize - offset, received.count)
        guard count > 0 else { return true }
        return withUnsafeTemporaryAllocation(byteCount: Self.sizedSize, alignment: 8) { expected in
            _ = store(into: expected)
            return received.prefix(count).elementsEqual(expected[offset..<offset + count])
        }
    }

    /// Stores the header, of either form, into the start of `bytes` (at least `sizedSize`
    /// long); returns how many bytes it took.
    func store(into bytes: UnsafeMutableRawBufferPointer) -> Int {
        bytes.storeBytes(of: (sizes == nil ? Self.magic : Self.sizedMagic).bigEndian, toByteOffset: 0, as: UInt32.self)
        bytes.storeBytes(of: sequence.bigEndian, toByteOffset: 4, as: UInt32.self)
        bytes.storeBytes(of: flowID.bigEndian, toByteOffset: 8, as: UInt64.self)
        bytes.storeBytes(of: sendTimeNanoseconds.bigEndian, toByteOffset: 16, as: UInt64.self)
        guard let sizes else { return Self.size }
        bytes.storeBytes(of: sizes.request.bigEndian, toByteOffset: 24, as: UInt32.self)
        bytes.storeBytes(of: sizes.response.bigEndian, toByteOffset: 28, as: UInt32.self)
        return Self.sizedSize
    }

    /// Stores the plain (FTH1) header into the first 24 bytes of `bytes`, for a flow that writes
    /// its messages into memory of its own (latency mode) rather than into a ByteBuffer.
    func storePlain(into bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeBytes(of: Self.magic.bigEndian, toByteOffset: 0, as: UInt32.self)
        bytes.storeBytes(of: sequence.bigEndian, toByteOffset: 4, as: UInt32.self)
        bytes.storeBytes(of: flowID.bigEndian, toByteOffset: 8, as: UInt64.self)
        bytes.storeBytes(of: sendTimeNanoseconds.bigEndian, toByteOffset: 16, as: UInt64.self)
    }

    /// Reads a plain (FTH1) header from the start of `bytes`; nil when too short or not one.
    init?(plainAt bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size, UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)) == Self.magic else { return nil }
        self.init(
            sequence: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            flowID: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            sendTimeNanoseconds: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
    }

    /// Reads a header of either form from the start of `bytes`; nil when they are too few or do
    /// not start with a magic number.
    init?(peekingAt bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        let magic = UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
        guard magic == Self.magic || (magic == Self.sizedMagic && bytes.count >= Self.sizedSize) else { return nil }
        self.init(
            sequence: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            flowID: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            sendTimeNanoseconds: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        if magic == Self.sizedMagic {
            sizes = MessageSizes(
                request: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt32.self)),
                response: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 28, as: UInt32.self)))
        }
    }

    /// Reads a header of either form from the start of `buffer` without moving its reader index;
    /// nil when the bytes are too few or do not start with a magic number.
    init?(peekingAt buffer: ByteBuffer) {
        guard let header = buffer.withUnsafeReadableBytes({ FlowHeader(peekingAt: $0) }) else { return nil }
        self = header
    }

    init(sequence: UInt32, flowID: UInt64, sendTimeNanoseconds: UInt64, sizes: MessageSizes? = nil) {
        self.sequence = sequence
        self.flowID = flowID
        self.sendTimeNanoseconds = sendTimeNanoseconds
        self.sizes = sizes
    }
}
