import FlowTestShared
import Foundation
import Logging
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Writes an agent's points to InfluxDB (or anything that speaks its write API) in batches,
/// off the data path: the traffic never waits for it, and a server that is away only fills a
/// bounded buffer, whose oldest points are dropped and counted when it overflows.
///
/// Answers, as the write API documents them: 204 written; 400 a bad point (the answer names the
/// line; the batch is rejected and counted, never retried); 401, 403, 404, 413 refused for good
/// (logged once per status, the batch dropped and counted); 5xx and connection errors: kept and
/// retried with back-off.
final class InfluxDBWriter: Sendable {
    /// What the writer has done, for the agent's metrics and its final log line.
    struct Counts: Sendable, Equatable {
        var written: UInt64 = 0
        var dropped: UInt64 = 0
        var rejected: UInt64 = 0
        var pending = 0
        var failedWrites: UInt64 = 0

        /// As the agent's report carries them.
        var reported: ExportCounts {
            ExportCounts(written: written, dropped: dropped, rejected: rejected, pending: Int64(pending))
        }
    }

    private struct State {
        var lines: [String] = []
        var counts = Counts()
        var refusalsLogged: Set<Int> = []
        /// Lines of the batch in flight that an overflow dropped from the front meanwhile: they
        /// are gone already, so fewer are removed when the batch is done.
        var droppedFromFlight = 0
        var batchInFlight = 0

        /// Removes the batch that was in flight from the front, less what overflow took of it.
        mutating func settleBatch() -> Int {
            let remaining = max(0, batchInFlight - droppedFromFlight)
            lines.removeFirst(min(remaining, lines.count))
            (batchInFlight, droppedFromFlight) = (0, 0)
            return remaining
        }
    }

    let settings: InfluxDBSettings
    private let session: URLSession
    private let logger: Logger
    private let state = Mutex(State())
    private let metrics: InfluxDBMetrics?
    /// One request carries at most this many points (InfluxDB's own advice is 5,000).
    static let batchSize = 5000

    init(settings: InfluxDBSettings, logger: Logger, metrics: InfluxDBMetrics? = nil) {
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        let configuration = URLSessionConfiguration.ephemeral
        // A server that accepts and never answers must not hold a write (or the exit) for long.
        configuration.timeoutIntervalForRequest = 5
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    var counts: Counts {
        state.withLock { state in
            var counts = state.counts
            counts.pending = state.lines.count
            return counts
        }
    }

    /// Queues `points`; the oldest queued ones go when the buffer is full.
    func enqueue(_ points: [LinePoint]) {
        let lines = points.map(\.line)
        state.withLock { state in
            state.lines += lines
            let excess = state.lines.count - settings.bufferLimit
            if excess > 0 {
                state.lines.removeFirst(excess)
                state.counts.dropped += UInt64(excess)
                state.droppedFromFlight = min(state.batchInFlight, state.droppedFromFlight + excess)
            }
        }
        metrics?.publish(counts)
    }

    /// Writes everything queued, batch by batch; false when the server could not be reached or
    /// answered 5xx (the rest stays queued for the next try).
    func flush() async -> Bool {
        defer { metrics?.publish(counts) }
        while let batch = state.withLock({ state -> [String]? in
            guard !state.lines.isEmpty else { return nil }
            let batch = Array(state.lines.prefix(Self.batchSize))
            state.batchInFlight = batch.count
            return batch
        }) {
            let outcome = await post(batch)
            state.withLock { state in
                switch outcome {
                case .written: state.counts.written += UInt64(state.settleBatch())
                case .refused: state.counts.rejected += UInt64(state.settleBatch())
                case .retry:
                    (state.batchInFlight, state.droppedFromFlight) = (0, 0)
                    state.counts.failedWrites += 1
                case .abandoned:
                    (state.batchInFlight, state.droppedFromFlight) = (0, 0)
                }
            }
            if outcome == .retry || outcome == .abandoned { return false }
        }
        return true
    }

    private enum Outcome {
        /// `abandoned`: the caller was cancelled (shutdown, or the final flush's bound); the batch
        /// stays queued. If the abandoned request lands after all, the retry writes the same
        /// points again, which InfluxDB stores once (same series and timestamp).
        case written, refused, retry, abandoned
    }

    private func post(_ batch: [String]) async -> Outcome {
        var request = URLRequest(url: settings.writeURL)
        request.httpMethod = "POST"
        request.httpBody = Data((batch.joined(separator: "\n") + "\n").utf8)
        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        if let token = settings.token {
            request.setValue("Token \(token)", forHTTPHeaderField: "Authorization")
        } else if let username = settings.username, let password = settings.password {
            request.setValue("Basic " + Data("\(username):\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        }
        let answer: (Data, URLResponse)
        do { answer = try await KubernetesClient.performUnlessCancelled(request, on: session) } catch is CancellationError {
            return .abandoned
        } catch {
            logger.warning("InfluxDB write failed; will retry", metadata: ["url": "\(settings.url)", "error": "\(error.localizedDescription)"])
            return .retry
        }
        let status = (answer.1 as? HTTPURLResponse)?.statusCode ?? 0
        let body = String(decoding: answer.0.prefix(1000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 200..<300:
            return .written
        case 400:
            logger.error("InfluxDB rejected a batch of \(batch.count) points (400)", metadata: ["answer": "\(body)"])
            return .refused
        case 401, 403, 404, 413:
            let first = state.withLock { $0.refusalsLogged.insert(status).inserted }
            if first {
                let meaning = [401: "the credentials were not accepted", 403: "the credentials may not write there",
                               404: "the database, org or bucket does not exist", 413: "the batch is too large for the server"][status]!
                logger.error("InfluxDB refused the write (\(status)): \(meaning)", metadata: ["url": "\(settings.writeURL)", "answer": "\(body)"])
            }
            return .refused
        default:
            logger.warning("InfluxDB answered \(status); will retry", metadata: ["answer": "\(body)"])
            return .retry
        }
    }

    /// Every `settings.interval`, queues `points()` and writes; after a failed write, retries
    /// sooner (1 s, doubling up to the interval). Returns when cancelled.
    func run(points: @escaping @Sendable () -> [LinePoint]) async {
        var backoff = Duration.seconds(1)
        var nextPoints = ContinuousClock.now + settings.interval
        var nextRetry: ContinuousClock.Instant?
        while !Task.isCancelled {
            let wake = min(nextPoints, nextRetry ?? nextPoints)
            do { try await Task.sleep(until: wake, clock: .continuous) } catch { return }
            if ContinuousClock.now >= nextPoints {
                enqueue(points())
                nextPoints = nextPoints + settings.interval
            }
            if await flush() {
                backoff = .seconds(1)
                nextRetry = nil
            } else {
                nextRetry = ContinuousClock.now + backoff
                backoff = min(backoff * 2, settings.interval)
            }
        }
    }

    /// Queues the final points and keeps trying to write everything for `timeout`, or until
    /// `notAfter` if that is sooner, and not a moment longer: a request still in flight then is
    /// abandoned (its server may be silent, or trickle its answer past the session's idle timer).
    func finish(_ points: [LinePoint], timeout: Duration, notAfter: ContinuousClock.Instant? = nil) async -> Counts {
        enqueue(points)
        let deadline = min(ContinuousClock.now + timeout, notAfter ?? .now + timeout)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                var backoff = Duration.milliseconds(200)
                while !(await flush()), ContinuousClock.now + backoff < deadline, !Task.isCancelled {
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(2))
                }
            }
            // A cancelled task (a second signal) ends this sleep, and so the flush, at once.
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            _ = await group.next()
            group.cancelAll()
        }
        let counts = counts
        logger.info(
            "InfluxDB export finished",
            metadata: ["written": "\(counts.written)", "dropped": "\(counts.dropped)", "rejected": "\(counts.rejected)", "unsent": "\(counts.pending)"])
        return counts
    }
}
