import Logging
import ServiceLifecycle

/// Writes the flow log's queued records in batches, a few times a second, off the event loops.
///
/// The last batch and the format's ending are written by `FlowLogWriter.finish`, which the
/// command calls once every flow has ended, after the service group is done.
struct FlowLogService: Service {
    let writer: FlowLogWriter
    /// How long records wait at most before they are written.
    var interval = Duration.milliseconds(200)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                writer.flush()
            }
        }
        writer.flush()
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
