import Logging
import ServiceLifecycle

/// Writes the flow log's queued records in batches, a few times a second, off the event loops,
/// and finishes the log at shutdown.
///
/// Put it before the traffic's services in the group: it shuts down after them (reverse order),
/// once every flow has ended, and before the status reporter, whose final report then has the
/// log's final counts.
struct FlowLogService: Service {
    let writer: FlowLogWriter
    let logger: Logger
    /// Waits for records still on their way (connections closing on their event loops).
    var settle: @Sendable () async -> Void = {}
    /// How long records wait at most before they are written.
    var interval = Duration.milliseconds(200)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                writer.flush()
            }
        }
        await settle()
        writer.finish(logger: logger)
    }
}

extension FlowLogWriter {
    /// Finishes the log and says in the agent's log what happened to its records: how many were
    /// written, and, never silently, how many were dropped and why.
    func finish(logger: Logger) {
        finish()
        let counts = counts
        if let failure {
            logger.error("flow log: writing failed", metadata: ["error": "\(failure)", "written": "\(counts.written)", "dropped": "\(counts.dropped)"])
        } else if counts.dropped > 0 {
            logger.warning(
                "flow log: records dropped, the writer fell behind", metadata: ["written": "\(counts.written)", "dropped": "\(counts.dropped)"])
        } else {
            logger.info("flow log written", metadata: ["records": "\(counts.written)"])
        }
    }
}
