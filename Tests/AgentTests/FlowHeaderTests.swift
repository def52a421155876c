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

    @Test func anEchoArrivingInPiecesIsComparedByteForByte() {
        let header = FlowHeader(sequence: 9, flowID: 77, sendTimeNanoseconds: 987_654_321)
        var sent = ByteBuffer()
        header.write(to: &sent)
        sent.writeBytes([1, 2, 3])
        // Every split point: each piece matches from where the previous one ended, and bytes past
        // the header (the filler) are not compared with it.
        for split in 0...FlowHeader.size {
            let first = sent.getSlice(at: 0, length: split)!
            let rest = sent.getSlice(at: split, length: sent.readableBytes - split)!
            #expect(header.matches(first, fromHeaderOffset: 0))
            #expect(header.matches(rest, fromHeaderOffset: split))
        }
        for corrupted in [0, 5, 12, 23] {
            var echo = sent
            echo.setInteger(echo.getInteger(at: corrupted, as: UInt8.self)! ^ 0x40, at: corrupted)
            #expect(!header.matches(echo, fromHeaderOffset: 0), "byte \(corrupted) differs")
            #expect(!header.matches(echo.getSlice(at: corrupted, length: 4)!, fromHeaderOffset: corrupted))
        }
    }
}
