import FlowTestShared

/// What the controller reads from a pod's status.
struct PodState: Sendable {
    var name: String
    /// The first 8 characters of the pod's UID: how an incarnation's key names its pod.
    var uidPrefix: String
    var role: String
    /// Pending, Running, Succeeded, Failed, Unknown.
    var phase: String
    var ready: Bool
    var ip: String?
    var deleting: Bool
    /// Why the pod is not ready or ended, in the kubelet's and scheduler's words; nil when nothing was said.
    var problem: String?
    /// How often its container restarted: each restart is an incarnation of its own.
    var restarts: Int

    init(_ pod: JSONValue) {
        name = pod["metadata"]?["name"]?.string ?? ""
        uidPrefix = String((pod["metadata"]?["uid"]?.string ?? "").prefix(8))
        restarts = pod["status"]?["containerStatuses"]?.array?.first?["restartCount"]?.number.map { Int($0) } ?? 0
        role = pod["metadata"]?["labels"]?["flowtest.dev/role"]?.string ?? ""
        phase = pod["status"]?["phase"]?.string ?? "Pending"
        ready = pod["status"]?["conditions"]?.array?.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" } ?? false
        ip = pod["status"]?["podIP"]?.string
        deleting = pod["metadata"]?["deletionTimestamp"] != nil
        problem = Self.problem(pod["status"])
    }

    /// The pod ran to its end, well or not; for a generator, its final report is in (or never will be).
    var isTerminal: Bool { phase == "Succeeded" || phase == "Failed" }

    /// "phase Pending", then what the scheduler or kubelet said, for a message a person can act on.
    var description: String {
        "\(name): phase \(phase)" + (problem.map { ", \($0)" } ?? "")
    }

    /// Unschedulable with the scheduler's message; the container's waiting reason (ContainerCreating,
    /// CrashLoopBackOff, ImagePullBackOff, ...) with its message; its last or current exit.
    private static func problem(_ status: JSONValue?) -> String? {
        var parts: [String] = []
        if let unscheduled = status?["conditions"]?.array?.first(where: { $0["type"]?.string == "PodScheduled" && $0["status"]?.string == "False" }) {
            parts.append(Self.words(unscheduled["reason"]?.string ?? "Unschedulable", unscheduled["message"]?.string))
        }
        let container = status?["containerStatuses"]?.array?.first
        if let waiting = container?["state"]?["waiting"] {
            parts.append(Self.words(waiting["reason"]?.string ?? "Waiting", waiting["message"]?.string))
        }
        for (label, terminated) in [("exited", container?["state"]?["terminated"]), ("last exit", container?["lastState"]?["terminated"])] {
            guard let terminated, terminated != .null else { continue }
            let code = terminated["exitCode"]?.number.map { String(Int64($0)) } ?? "?"
            let reason = terminated["reason"]?.string.map { " \($0)" } ?? ""
            parts.append(Self.words("\(label) \(code)\(reason)", terminated["message"]?.string))
        }
        if let restarts = container?["restartCount"]?.number, restarts > 0 { parts.append("\(Int64(restarts)) restarts") }
        if parts.isEmpty, let message = status?["message"]?.string { parts.append(Self.words(status?["reason"]?.string ?? "", message)) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    private static func words(_ reason: String, _ message: String?) -> String {
        guard let message, !message.isEmpty else { return reason }
        // A crash-looping container's last words can be long: the first line says what matters.
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        return (reason.isEmpty ? "" : "\(reason): ") + String(line.prefix(300))
    }
}
