extension FlowTestStatus {
    public static let schema = Schema.object(
        "What the test has done so far. The controller writes phase, conditions and summary; each agent writes only its own entry of agents.",
        [
            "phase": .string("Pending, Running, Succeeded or Failed.", enum: FlowTestPhase.allCases.map(\.rawValue)),
            "observedGeneration": .integer("The spec generation this status describes."),
            "startTime": dateTime("When the generators started."),
            "completionTime": dateTime("When the test ended."),
            "conditions": conditions,
            "summary": summary,
            "agents": .map("Each agent's cumulative statistics, keyed by agent pod name.", values: agentReport),
        ])

    static func dateTime(_ description: String) -> Schema {
        var schema = Schema.string(description, maxLength: 64)
        schema.format = "date-time"
        return schema
    }

    static let conditions: Schema = {
        var list = Schema.array(
            "Latest observations of the test's state; wait for Succeeded.",
            of: .object(
                "A condition, shaped like metav1.Condition.",
                required: ["type", "status", "reason", "message", "lastTransitionTime"],
                [
                    "type": .string("Accepted, EchoReady, Running, Succeeded or Failed.", maxLength: 316),
                    "status": .string("True, False or Unknown.", enum: ["True", "False", "Unknown"]),
                    "reason": .string("Machine-readable reason in CamelCase.", maxLength: 1024),
                    "message": .string("Human-readable details.", maxLength: 32768),
                    "lastTransitionTime": dateTime("When the status last changed."),
                    "observedGeneration": .integer("The spec generation this condition describes.", minimum: 0),
                ]),
            maxItems: 16, listType: "map")
        list.listMapKeys = ["type"]
        return list
    }()

    static let summary = Schema.object(
        "Figures of the whole test, merged from all agents (percentiles from merged histograms, never averaged).",
        [
            "flowsStarted": .integer("Flows started."),
            "flowsCompleted": .integer("Flows that ran their whole lifetime."),
            "flowsFailed": .integer("Flows that failed."),
            "failures": .map("Failed flows by reason.", values: .integer("Flows.")),
            "failedFlowsPercent": .number("Failed flows in percent of flows started."),
            "bytesSent": .integer("Payload bytes sent by generators."),
            "bytesReceived": .integer("Payload bytes echoed back to generators."),
            "rttP50Milliseconds": .number("Median round-trip time in milliseconds."),
            "rttP99Milliseconds": .number("99th-percentile round-trip time in milliseconds."),
            "udpLossPercent": .number("UDP datagrams lost, in percent of those sent."),
            "throughputBitsPerSecond": .number("Payload bits per second, both directions, over the run."),
        ])

    static let agentReport = Schema.object(
        "One agent's cumulative statistics; absolute values, so a repeated report never counts twice.",
        required: ["role", "reportTime", "finished"],
        [
            "role": .string("echo or generator.", enum: ["echo", "generator"]),
            "reportTime": dateTime("When the agent wrote this report."),
            "finished": .boolean("True in the report an agent writes when it stops."),
            "elapsedSeconds": .number("Seconds the agent has been running its role."),
            "tcp": .passThrough("Generator TCP counters: flows, bytes, messages, failures by reason, retransmits."),
            "udp": .passThrough("Generator UDP counters: flows, bytes, datagrams, failures by reason, loss, duplicates, reordering, jitter."),
            "rtt": .passThrough("Generator round-trip histogram: log buckets of about 2 %, merged across agents for percentiles."),
            "listeners": .array("Echo listener counters.", of: .passThrough("One listener's counters."), maxItems: 64),
        ])
}
