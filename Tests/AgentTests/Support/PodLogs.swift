import Synchronization

/// What the fake kubelet's real containers wrote, per pod, for tests that read it back the way
/// `kubectl logs --prefix` gives it.
final class PodLogs: Sendable {
    private let logs = Mutex<[String: String]>([:])

    /// Keeps an exited container's stdout and stderr (kubectl shows both).
    func exited(_ pod: String, output: String, errors: String) {
        logs.withLock { $0[pod, default: ""] += errors + output }
    }

    /// The pods whose containers have exited.
    var pods: Set<String> { logs.withLock { Set($0.keys) } }

    /// Every pod's lines, each with kubectl's `--prefix` (`[pod/NAME/agent] `).
    func prefixed() -> String {
        logs.withLock { logs in
            logs.sorted { $0.key < $1.key }.flatMap { pod, text in
                text.split(separator: "\n").map { "[pod/\(pod)/agent] \($0)\n" }
            }.joined()
        }
    }
}
