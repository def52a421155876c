import FlowTestDataPlane
import NIOCore

/// Finds FlowTest's sized requests in a TCP stream and answers each with the response it asks for.
///
/// A connection whose first bytes are the sized header's magic ("FTH2") is a traffic pattern's:
/// every message then starts with a 32-byte header that gives the request's whole size and the
/// response's. The echo reads each request to its end and sends back the header, then filler up
/// to the response's size (DESIGN.md decision 1's one exception). Only such connections get one of
/// these; every other connection stays a pure echo and pays nothing for it.
final class SizedRequestFraming {
    /// The largest response the echo sends for one request: as large as a FlowTest message may be.
    static let largestResponse = 16_777_216
    /// Filler for responses, shared by every connection: a response is slices of it, never a copy.
    static let filler = ByteBuffer(bytes: (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })

    /// The header of the request being read, while it is incomplete or until it is answered.
    private var header: ByteBuffer
    /// Bytes of the current request still to come after its header.
    private var bodyLeft = 0

    /// A peer's bytes that are not a sized request where one must start.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    init(allocator: ByteBufferAllocator) {
        header = allocator.buffer(capacity: FlowHeader.sizedSize)
    }

    /// Whether a connection's first read starts with the sized header's magic. A generator writes
    /// its whole header at once, so its first segment holds at least these 4 bytes.
    static func startsSizedStream(_ buffer: ByteBuffer) -> Bool {
        buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) == FlowHeader.sizedMagic
    }

    /// Consumes `buffer`, calling `respond` with each complete request's header and response size;
    /// returns the bytes answered. Throws at bytes that cannot start a sized request.
    func consume(_ buffer: inout ByteBuffer, respond: (ByteBuffer, Int) -> Void) throws(Malformed) -> Int {
        var answered = 0
        while buffer.readableBytes > 0 {
            if bodyLeft > 0 {
                let skipped = min(bodyLeft, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: skipped)
                bodyLeft -= skipped
                if bodyLeft == 0 { answered += try answer(respond) }
                continue
            }
            var piece = buffer.readSlice(length: min(FlowHeader.sizedSize - header.readableBytes, buffer.readableBytes))!
            header.writeBuffer(&piece)
            guard header.readableBytes == FlowHeader.sizedSize else { break }
            guard let parsed = FlowHeader(peekingAt: header), let sizes = parsed.sizes else {
                throw Malformed(description: "a message that does not start with FlowTest's sized header (magic FTH2) in a sized stream")
            }
            guard Int(sizes.request) >= FlowHeader.sizedSize, Int(sizes.request) <= Self.largestResponse else {
                throw Malformed(description: "request size \(sizes.request): expected \(FlowHeader.sizedSize)...\(Self.largestResponse) bytes, the header included")
            }
            bodyLeft = Int(sizes.request) - FlowHeader.sizedSize
            if bodyLeft == 0 { answered += try answer(respond) }
        }
        return answered
    }

    /// Answers the request whose header is complete and whose body has been read.
    private func answer(_ respond: (ByteBuffer, Int) -> Void) throws(Malformed) -> Int {
        let size = Int(header.getInteger(at: header.readerIndex + 28, as: UInt32.self) ?? 0)
        guard size >= FlowHeader.sizedSize, size <= Self.largestResponse else {
            throw Malformed(description: "response size \(size): expected \(FlowHeader.sizedSize)...\(Self.largestResponse) bytes, the header included")
        }
        respond(header, size)
        header.clear()
        return size
    }

    /// Whether the datagram of `received` bytes in `buffer` is a sized request (one 4-byte load).
    static func startsSizedDatagram(_ buffer: UnsafeMutableRawBufferPointer, received: Int) -> Bool {
        SizedWire.startsSized(UnsafeRawBufferPointer(rebasing: buffer[..<received]))
    }

    /// The length to send back for a datagram of `received` bytes in `buffer` (65,536 bytes):
    /// `received` for anything but a sized request; for one, the response size it asks for, with
    /// filler written after its header; nil for a sized request that cannot be answered.
    static func sizedDatagramLength(_ buffer: UnsafeMutableRawBufferPointer, received: Int) -> Int? {
        SizedWire.datagramReply(buffer, received: received)
    }

    /// Writes one response: `header` as received, then filler to `size` bytes in all.
    static func writeResponse(header: ByteBuffer, size: Int, write: (ByteBuffer) -> Void) {
        write(header)
        var left = size - header.readableBytes
        while left > 0 {
            let piece = min(left, filler.readableBytes)
            write(filler.getSlice(at: filler.readerIndex, length: piece)!)
            left -= piece
        }
    }
}
