import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `StandardStream`: a reader that stops reading costs dropped log lines, never a blocked caller.
@Suite("Standard streams: writes never wait for the reader")
struct StandardStreamTests {
    @Test func aPipeNobodyReadsDropsAndCountsLogLinesKeepsResultsAndNeverBlocksTheCaller() throws {
        let pipe = try UnreadPipe(room: 100)
        defer { pipe.closeReadEnd() }
        let stream = StandardStream(descriptor: pipe.writeEnd.fileDescriptor, limit: 1000)
        let line = String(repeating: "x", count: 99) + "\n"
        let start = ContinuousClock.now
        // Far more than the pipe and the queue hold: the first fills the pipe, the writer blocks.
        for _ in 0..<100 { stream.write(line, droppable: true) }
        stream.write("the result\n", droppable: false)
        #expect(ContinuousClock.now - start < .seconds(1), "no write waited for the reader")
        // What waits: at most the limit of droppable lines (the one in write(2) included), and the result.
        #expect(stream.droppedLines >= 89 && stream.droppedLines <= 91, "\(stream.droppedLines)")
        let until = ContinuousClock.now + .milliseconds(300)
        #expect(!stream.drain { ContinuousClock.now > until }, "nothing drains a pipe nobody reads")
        // A reader that comes back gets every kept line, the result last.
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        _ = fcntl(pipe.readDescriptor, F_SETFL, O_NONBLOCK)
        let deadline = ContinuousClock.now + .seconds(5)
        while !String(decoding: received, as: UTF8.self).hasSuffix("the result\n"), ContinuousClock.now < deadline {
            let count = read(pipe.readDescriptor, &buffer, buffer.count)
            if count > 0 { received += buffer[0..<count] } else { usleep(10_000) }
        }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasSuffix("the result\n"))
        #expect(text.components(separatedBy: line).count - 1 == 100 - Int(stream.droppedLines))
        #expect(stream.drain { false })
        pipe.closeWriteEnd()
    }
}
