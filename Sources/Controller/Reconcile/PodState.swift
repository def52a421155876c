import FlowTestShared

/// What the controller reads from a pod's status.
struct PodState: Sendable {
    var name: String
    var role: String
    /// Pending, Running, Succeeded, Failed, Unknown.
    var phase: String
    var ready: Bool
    var ip: String?
    var deleting: Bool

    init(_ pod: JSONValue) {
        name = pod["metadata"]?["name"]?.string ?? ""
        role = pod["metadata"]?["labels"]?["flowtest.dev/role"]?.string ?? ""
        phase = pod["status"]?["phase"]?.string ?? "Pending"
        ready = pod["status"]?["conditions"]?.array?.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" } ?? false
        ip = pod["status"]?["podIP"]?.string
        deleting = pod["metadata"]?["deletionTimestamp"] != nil
    }

    /// The pod ran to its end, well or not; for a generator, its final report is in (or never will be).
    var isTerminal: Bool { phase == "Succeeded" || phase == "Failed" }
}
