import Foundation
import Synchronization

/// The agent processes the fake kubelet runs, by pod name, so that a test can kill one as a
/// node or an OOM kill would.
final class RunningAgents: Sendable {
    private let processes = Mutex<[String: Int32]>([:])

    func started(_ pod: String, pid: Int32) {
        processes.withLock { $0[pod] = pid }
    }

    /// Sends `signal` to the pod's current process; false when none runs.
    func signal(_ pod: String, _ signal: Int32) -> Bool {
        guard let pid = processes.withLock({ $0[pod] }) else { return false }
        return kill(pid, signal) == 0
    }
}
