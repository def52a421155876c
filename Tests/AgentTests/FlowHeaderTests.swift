import NIOCore
import Testing
@testable import FlowTestAgent

@Suite("Measurement header")
struct FlowHeaderTests {
    @Test func roundTripsThroughBytes() {
        let header = FlowHeader(sequence: 7, flowID: 1 << 40, sendTimeNanoseconds: 123_456_789)
        var buffer = ByteBuffer()
        header.write(to: &buffer)
        #expect(buffer.readableBytes == FlowHeader.size)
        #expect(FlowHeader(peekingAt: buffer) == header)
    }

    @Test func rejectsForeignAndShortData() {
        #expect(FlowHeader(peekingAt: ByteBuffer(bytes: [UInt8](repeating: 0, count: 64))) == nil)
        var short = ByteBuffer()
        FlowHeader(sequence: 1, flowID: 1, sendTimeNanoseconds: 1).write(to: &short)
        short.moveWriterIndex(to: 20)
        #expect(FlowHeader(peekingAt: short) == nil)
    }
}
