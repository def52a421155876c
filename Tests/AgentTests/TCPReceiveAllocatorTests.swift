import NIOCore
import Testing
@testable import FlowTestAgent

@Suite("TCP receive buffers: small when idle, large when busy")
struct TCPReceiveAllocatorTests {
    @Test func startsAt128BytesAndDoublesOnFullReadsUpTo64KiB() {
        var allocator = TCPReceiveAllocator.adaptive
        #expect(allocator.nextBufferSize() == 128)
        #expect(allocator.buffer(allocator: ByteBufferAllocator()).capacity == 128)
        var sizes: [Int] = []
        for _ in 0..<12 {
            let size = allocator.nextBufferSize()!
            _ = allocator.record(actualReadBytes: size)
            sizes.append(allocator.nextBufferSize()!)
        }
        #expect(sizes == [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 65536, 65536, 65536])
        #expect(allocator.record(actualReadBytes: 65536) == false, "no growth past the maximum")
    }

    @Test func halvesAfterTwoSmallReadsInARowAndNeverGoesBelow64Bytes() {
        var allocator = TCPReceiveAllocator.adaptive
        _ = allocator.record(actualReadBytes: 128)
        #expect(allocator.nextBufferSize() == 256)
        _ = allocator.record(actualReadBytes: 10)
        #expect(allocator.nextBufferSize() == 256, "one small read is not enough")
        _ = allocator.record(actualReadBytes: 200)
        _ = allocator.record(actualReadBytes: 10)
        #expect(allocator.nextBufferSize() == 256, "a read in between resets the count")
        _ = allocator.record(actualReadBytes: 10)
        #expect(allocator.nextBufferSize() == 128)
        for _ in 0..<10 { _ = allocator.record(actualReadBytes: 1) }
        #expect(allocator.nextBufferSize() == 64)
    }

    @Test func fitsAnExistentialsInlineStorage() {
        // Larger than three words and NIO boxes every channel's copy on the heap.
        #expect(MemoryLayout<TCPReceiveAllocator>.size <= 3 * MemoryLayout<Int>.size)
    }
}
