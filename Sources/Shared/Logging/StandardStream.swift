import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// stdout or stderr, written from a thread of its own so that a reader that stops reading can
/// block only that thread, never the caller.
///
/// Why: a pipe whose reader is alive but no longer reads (a parent's `| tee` that is stopped, a
/// parent that holds the pipe) fills after 64 KiB, and `write(2)` then blocks for good. Swift's
/// concurrency pool has one thread per core: a log line or a progress line blocked there stalls
/// every task, the one that handles SIGTERM included, and the process ignores the signal. So
/// callers only queue; lines that may go (logs, progress) are dropped and counted when more than
/// `limit` bytes wait, and results are always kept. A closed pipe (EPIPE, SIGPIPE being ignored
/// in the process) ends the writing instead of trapping.
public final class StandardStream: Sendable, TextOutputStream {
    public static let output = StandardStream(descriptor: STDOUT_FILENO)
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    private struct State {
        var chunks: [[UInt8]] = []
        var queuedBytes = 0
        var droppedLines: UInt64 = 0
        /// Chunks ever queued and ever taken off by the writer (written or given up on).
        var queued: UInt64 = 0
        var done: UInt64 = 0
        var writerStarted = false
        var failure: String?
    }

    private let descriptor: Int32
    private let limit: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// Droppable lines wait up to `limit` bytes: several minutes of progress and logs.
    public init(descriptor: Int32, limit: Int = 256 * 1024) {
        self.descriptor = descriptor
        self.limit = limit
    }

    /// Queues `text`; when more than `limit` bytes wait already, droppable text is dropped
    /// and its lines counted.
    public func write(_ text: String, droppable: Bool) {
        let bytes = Array(text.utf8)
        let startWriter = state.withLock { state -> Bool in
            if droppable, state.failure != nil || state.queuedBytes + bytes.count > limit {
                state.droppedLines += UInt64(max(1, bytes.count(where: { $0 == UInt8(ascii: "\n") })))
                return false
            }
            state.chunks.append(bytes)
            state.queuedBytes += bytes.count
            state.queued += 1
            if state.writerStarted { return false }
            state.writerStarted = true
            return true
        }
        if startWriter {
            let thread = Thread { [self] in writeForever() }
            thread.name = "flowtest-\(descriptor == STDOUT_FILENO ? "stdout" : "stderr")"
            thread.start()
        }
        wake.signal()
    }

    /// Log lines: droppable.
    public func write(_ string: String) {
        write(string, droppable: true)
    }

    /// Lines dropped so far because nobody read them in time.
    public var droppedLines: UInt64 { state.withLock { $0.droppedLines } }

    /// Why writing stopped, if it did (the reader closed the pipe).
    public var failure: String? { state.withLock { $0.failure } }

    /// Waits until everything queued so far is written, or `giveUp()` says to stop waiting
    /// (asked every 10 ms). False when something is left unwritten.
    ///
    /// Blocks the calling thread: call it on the way out, after the last task has run.
    public func drain(giveUp: () -> Bool) -> Bool {
        let target = state.withLock { $0.queued }
        while state.withLock({ $0.done < target }) {
            if giveUp() { return false }
            usleep(10_000)
        }
        return true
    }

    private func writeForever() {
        while true {
            wake.wait()
            let chunks = state.withLock { state in
                defer { state.chunks = [] }
                return state.chunks
            }
            for chunk in chunks {
                let failure = state.withLock { $0.failure }
                if failure == nil, let error = writeAll(chunk) {
                    state.withLock { $0.failure = error }
                }
                state.withLock { state in
                    state.queuedBytes -= chunk.count
                    state.done += 1
                }
            }
        }
    }

    /// Writes all of `bytes`, waiting as long as the reader takes; nil once written.
    private func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset) }
            if written >= 0 {
                offset += written
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN {
                // Someone else made the descriptor non-blocking: wait for room rather than spin.
                var descriptor = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 1000)
            } else {
                return String(cString: strerror(errno))
            }
        }
        return nil
    }
}

/// `write(2)`, which the stream's own `write` hides inside it.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
