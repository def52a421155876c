import Foundation

extension FlowTestStatus {
    /// The status of a test whose generators have all finished: summary, verdict, phase and
    /// conditions, exactly as the controller writes it and local mode prints it.
    public static func completed(
        spec: FlowTestSpec, generation: Int64, agents: [String: AgentStatus], startTime: Date, completionTime: Date
    ) -> FlowTestStatus {
        var status = FlowTestStatus()
        // Thresholds are judged on the exact figures; the status stores them rounded (at most
        // three decimals, towards the worse side), which is what `kubectl get` and people read.
        let summary = FlowTestSummary(unrounded: agents)
        let disruption = DisruptionSummary(unrounded: agents)
        let verdict = ThresholdVerdict(thresholds: spec.thresholds, summary: summary, disruption: disruption)
        let now = Self.timestamp(completionTime)
        status.phase = verdict.passed ? .succeeded : .failed
        status.observedGeneration = generation
        status.startTime = Self.timestamp(startTime)
        status.completionTime = now
        status.summary = summary.rounded
        status.disruption = disruption?.rounded
        status.agents = agents
        let reason = verdict.misses.map(\.reason).first ?? "ThresholdsMet"
        let message =
            verdict.passed
            ? (spec.thresholds == nil ? "all generators finished; no thresholds set" : "all generators finished; every threshold met")
            : verdict.misses.map(\.message).joined(separator: "; ")
        status.conditions = [
            FlowTestCondition(type: FlowTestCondition.Kind.accepted, status: "True", reason: "Valid", message: "the spec is valid", lastTransitionTime: status.startTime!, observedGeneration: generation),
            FlowTestCondition(type: FlowTestCondition.Kind.running, status: "False", reason: "Completed", message: "all generators finished", lastTransitionTime: now, observedGeneration: generation),
            FlowTestCondition(type: FlowTestCondition.Kind.succeeded, status: verdict.passed ? "True" : "False", reason: reason, message: message, lastTransitionTime: now, observedGeneration: generation),
            FlowTestCondition(type: FlowTestCondition.Kind.failed, status: verdict.passed ? "False" : "True", reason: reason, message: message, lastTransitionTime: now, observedGeneration: generation),
        ]
        return status
    }

    /// RFC 3339 with seconds, as Kubernetes writes times.
    public static func timestamp(_ date: Date) -> String {
        date.ISO8601Format()
    }

    /// RFC 3339 with milliseconds, for the agents' report times: reports a second apart or less
    /// must still be ordered (the controller waits for reports written after the generators ended).
    public static func preciseTimestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses either form.
    public static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}
