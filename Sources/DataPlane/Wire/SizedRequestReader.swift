/// Finds sized requests in one TCP stream, read in pieces of any size: collects each 32-byte
/// header, skips the request's body, and hands back each complete request's header and the
/// response size it asks for. Plain state, no allocation: it lives inline in the connection.
public struct SizedRequestReader: Sendable {
    /// The header being collected (32 bytes: four words, in stream order).
    private var header: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var headerFill = 0
    /// Bytes of the current request still to come after its header.
    private var bodyLeft = 0

    /// Bytes that cannot start a sized request where one must, or sizes out of range.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init() {}

    /// Consumes `bytes`, calling `respond` with each complete request's header (32 bytes) and the
    /// response size it asks for, in order.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, respond: (UnsafeRawBufferPointer, Int) -> Void) throws(Malformed) {
        var offset = 0
        while offset < bytes.count {
            if bodyLeft > 0 {
                let skipped = min(bodyLeft, bytes.count - offset)
                offset += skipped
                bodyLeft -= skipped
                if bodyLeft == 0 { try answer(respond) }
                continue
            }
            let count = min(SizedWire.headerSize - headerFill, bytes.count - offset)
            withUnsafeMutableBytes(of: &header) { stored in
                UnsafeMutableRawBufferPointer(rebasing: stored[headerFill..<headerFill + count])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
            }
            headerFill += count
            offset += count
            guard headerFill == SizedWire.headerSize else { break }
            let (magic, request) = withUnsafeBytes(of: &header) {
                (UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)),
                 Int(UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: SizedWire.requestSizeOffset, as: UInt32.self))))
            }
            guard magic == SizedWire.magic else {
                throw Malformed(description: "a message that does not start with FlowTest's sized header (magic FTH2) in a sized stream")
            }
            guard request >= SizedWire.headerSize, request <= SizedWire.largestMessage else {
                throw Malformed(description: "request size \(request): expected \(SizedWire.headerSize)...\(SizedWire.largestMessage) bytes, the header included")
            }
            bodyLeft = request - SizedWire.headerSize
            if bodyLeft == 0 { try answer(respond) }
        }
    }

    /// Answers the request whose header is complete and whose body has been read.
    private mutating func answer(_ respond: (UnsafeRawBufferPointer, Int) -> Void) throws(Malformed) {
        let size = withUnsafeBytes(of: &header) { Int(UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: SizedWire.responseSizeOffset, as: UInt32.self))) }
        guard size >= SizedWire.headerSize, size <= SizedWire.largestMessage else {
            throw Malformed(description: "response size \(size): expected \(SizedWire.headerSize)...\(SizedWire.largestMessage) bytes, the header included")
        }
        withUnsafeBytes(of: &header) { respond($0, size) }
        headerFill = 0
    }
}
