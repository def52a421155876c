import NIOCore

/// What a NIO pipeline delivers, as the bytes a flow reads: a stream's buffer or a datagram's.
protocol InboundBytes {
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result
}

extension ByteBuffer: InboundBytes {
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeReadableBytes(body)
    }
}

extension AddressedEnvelope: InboundBytes where DataType == ByteBuffer {
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        data.withUnsafeReadableBytes(body)
    }
}
