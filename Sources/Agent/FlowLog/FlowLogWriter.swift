import FlowTestShared
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The flow log's output: a bounded queue that flows append finished records to, and the batch
/// writer that formats and writes them, away from the event loops.
///
/// A flow's own cost is one `append` (a short lock and a struct copy); formatting and `write(2)`
/// happen in `flush`, which `FlowLogService` calls a few times a second. If the queue is full,
/// the record is dropped and counted: the summary and the final log line say how many.
final class FlowLogWriter: Sendable {
    /// What has happened to the records so far.
    typealias Counts = FlowLogCounts

    private struct Queue {
        var records: [FlowLogRecord] = []
        var dropped: UInt64 = 0
        /// False once the log is finished: nothing drains the queue any more.
        var open = true
    }

    private struct Output {
        var encoder: FlowLogEncoder
        var written: UInt64 = 0
        var finished = false
        /// The first failed write, after which nothing more is written.
        var failure: String?
    }

    /// Records waiting to be written at most: two seconds at 10,000 flows/s, while the writer
    /// drains them every 200 ms; about 7 MB of memory at worst (a record is about 330 bytes).
    static let defaultCapacity = 20_000

    let settings: FlowLogSettings
    private let capacity: Int
    private let descriptor: Int32
    private let queue = Mutex(Queue())
    private let output: Mutex<Output>

    /// Opens (creates or truncates) the log's file, or fails with one line naming `--flow-log`.
    /// Records are marked on stdout (where they share the output with the summary) unless `marked`
    /// says otherwise.
    init(settings: FlowLogSettings, marked: Bool? = nil, capacity: Int = FlowLogWriter.defaultCapacity) throws(StartupError) {
        self.settings = settings
        self.capacity = capacity
        switch settings.destination {
        case .standardOutput:
            descriptor = STDOUT_FILENO
        case .file(let path):
            let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw StartupError("cannot write --flow-log \(path): \(String(cString: strerror(errno)))")
            }
            descriptor = opened
        }
        output = Mutex(Output(encoder: FlowLogEncoder(format: settings.format, marked: marked ?? (settings.destination == .standardOutput))))
    }

    /// Queues `record` for writing, or counts it dropped if the queue is full. Any thread.
    func append(_ record: FlowLogRecord) {
        queue.withLock { queue in
            if queue.open, queue.records.count < capacity { queue.records.append(record) } else { queue.dropped += 1 }
        }
    }

    /// Records written and dropped so far.
    var counts: Counts {
        let dropped = queue.withLock { $0.dropped }
        return output.withLock { Counts(written: $0.written, dropped: dropped) }
    }

    /// Why writing stopped, if it did (a full disk, a closed pipe).
    var failure: String? { output.withLock { $0.failure } }

    /// Writes whatever is queued now, as one batch.
    func flush() {
        output.withLock { output in
            guard !output.finished else { return }
            writeBatch(takeQueued(), to: &output)
        }
    }

    /// Writes what is still queued and the format's ending, and closes a file. Later appends
    /// are counted as dropped.
    func finish() {
        output.withLock { output in
            guard !output.finished else { return }
            writeBatch(takeQueued(closing: true), to: &output)
            output.finished = true
            let ending = output.encoder.finish()
            if output.failure == nil, !ending.isEmpty, let failure = writeAll(ending) { output.failure = failure }
            if descriptor != STDOUT_FILENO { close(descriptor) }
        }
    }

    private func takeQueued(closing: Bool = false) -> [FlowLogRecord] {
        queue.withLock { queue in
            var taken: [FlowLogRecord] = []
            swap(&taken, &queue.records)
            if closing { queue.open = false } else { queue.records.reserveCapacity(min(capacity, max(64, taken.count))) }
            return taken
        }
    }

    private func writeBatch(_ records: [FlowLogRecord], to output: inout Output) {
        guard !records.isEmpty else { return }
        guard output.failure == nil else {
            queue.withLock { $0.dropped += UInt64(records.count) }
            return
        }
        if let failure = writeAll(output.encoder.encode(records)) {
            output.failure = failure
            queue.withLock { $0.dropped += UInt64(records.count) }
        } else {
            output.written += UInt64(records.count)
        }
    }

    /// Writes all of `bytes`; the error text if the descriptor refused.
    private func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += count
        }
        return nil
    }
}
