extension FlowTestStatus {
    public static let schema = Schema.object(
        "What the test has done so far, written by the controller, of bounded size; each agent's reports are in a FlowTestReport object of its own.",
        [
            "phase": .string("Pending, Running, Succeeded or Failed.", enum: FlowTestPhase.allCases.map(\.rawValue)),
            "observedGeneration": .integer("The spec generation this status describes."),
            "startTime": dateTime("When the generators started."),
            "completionTime": dateTime("When the test ended."),
            "conditions": conditions,
            "summary": summary,
            "disruption": disruption(
                "Continuous pattern: every outage the generators saw, as one timeline; overlapping outages of different flows join into one interval."),
            "replacedPods": .array(
                "Agent pods the controller replaced, and why each ended (newest last).",
                of: .object(
                    "A replaced pod.", required: ["name", "uidPrefix", "cause", "time"],
                    [
                        "name": .string("The pod's name; its replacement has the same one."),
                        "uidPrefix": .string("The first 8 characters of its UID, as its incarnations' keys begin; empty when unknown.", maxLength: 8),
                        "cause": .string("What is known of why it ended.", maxLength: 512),
                        "time": dateTime("When the controller saw it gone or ended."),
                    ]), maxItems: ReplacedPod.limit),
            "reportCounts": .object(
                "How many agents have reported; their reports are FlowTestReport objects labelled flowtest.dev/name=<test>.",
                required: ["expected", "reporting", "finished", "missing"],
                [
                    "expected": .integer("Agent pods the test runs: generators, and echo pods unless the target is external."),
                    "reporting": .integer("Agents with at least one report."),
                    "finished": .integer("Agents whose latest incarnation has sent its final report."),
                    "missing": .integer("Expected agents with no report at all."),
                ]),
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
            "flowsSkipped": .integer("Arrivals not started because maxConcurrent flows were open, connecting ones included."),
            "failures": .map("Failed flows by reason.", values: .integer("Flows.")),
            "failedFlowsPercent": .number("Failed flows in percent of flows started. At most three decimals, rounded up; thresholds judge the unrounded figure."),
            "tcpFlowsStarted": .integer("TCP flows (connections) started; compare with echo.tcpConnectionsAccepted."),
            "udpDatagramsSent": .integer("UDP datagrams sent by generators; compare with echo.udpDatagramsReceived."),
            "bytesSent": .integer("Payload bytes sent by generators."),
            "bytesReceived": .integer("Payload bytes echoed back to generators."),
            "rttP50Milliseconds": .number("Median round-trip time in milliseconds. At most three decimals, rounded up."),
            "rttP99Milliseconds": .number("99th-percentile round-trip time in milliseconds. At most three decimals, rounded up; thresholds judge the unrounded figure."),
            "udpLossPercent": .number("UDP datagrams lost, in percent of those sent. At most three decimals, rounded up; thresholds judge the unrounded figure."),
            "throughputBitsPerSecond": .number("Payload bits per second, both directions, over the run."),
            "echo": .object(
                "What the echo servers saw, over every listener of every echo process.",
                [
                    "tcpConnectionsAccepted": .integer("TCP connections accepted."),
                    "tcpConnectionsRefused": .integer("TCP connections closed at once because an echo's connection cap was reached."),
                    "tcpConnectionsTimedOut": .integer("TCP connections closed for idling past the echo's idle timeout."),
                    "udpDatagramsReceived": .integer("UDP datagrams received."),
                    "udpDatagramsSent": .integer("UDP datagrams echoed."),
                    "bytesReceived": .integer("Bytes received, TCP and UDP."),
                    "bytesSent": .integer("Bytes echoed, TCP and UDP."),
                ]),
            "patterns": .map(
                "With flows.mix: each traffic pattern's figures, keyed by pattern name.",
                values: .object(
                    "One pattern's figures over every generator.",
                    [
                        "flowsStarted": .integer("Flows started."), "flowsCompleted": .integer("Flows that ended well."),
                        "flowsFailed": .integer("Flows that failed."), "failures": .map("Failed flows by reason.", values: .integer("Flows.")),
                        "bytesSent": .integer("Payload bytes sent."), "bytesReceived": .integer("Payload bytes received."),
                        "rttP50Milliseconds": .number("Median round-trip time in milliseconds. At most three decimals, rounded up."),
                        "rttP99Milliseconds": .number("99th-percentile round-trip time in milliseconds. At most three decimals, rounded up."),
                        "udpLost": .integer("UDP echoes that never came back, of this pattern's UDP flows."),
                        "udpJitterMilliseconds": .number("Mean RFC 3550 jitter of this pattern's UDP flows, in milliseconds. At most three decimals, rounded up."),
                    ])),
            "marking": marking("With flows.marking: the marking figures of every agent, summed."),
            "markedPercent": .number("Arrivals the echo servers found with every expected mark, in percent of those checked; thresholds.minMarkedPercent limits it. At most three decimals, rounded down; thresholds judge the unrounded figure."),
            "agentsReported": .integer("Agents with at least one report."),
            "agentIncarnations": .integer("Agent processes that reported; more than agentsReported after restarts or replacements."),
        ])

    static func disruption(_ description: String) -> Schema {
        .object(
            description,
            [
                "disruptedSeconds": .number("Seconds during which at least one flow was in an outage."),
                "longestOutageMilliseconds": .number("The longest outage of one flow, in milliseconds; thresholds.maxOutage limits it. At most three decimals, rounded up; thresholds judge the unrounded figure."),
                "outages": .integer("Flow outages: runs of unanswered exchanges, or broken connections, until the next answer."),
                "activeOutages": .integer("Outages still open when this was written."),
                "intervalCount": .integer("Disruption intervals, including those left out of intervals."),
                "connectionsLost": .integer("TCP connections that broke or stalled."),
                "connectionsReestablished": .integer("TCP connections re-established after a break."),
                "messagesLost": .integer("Exchanges not answered within responseTimeout."),
                "resolutionMilliseconds": .number(
                    "This timeline's resolution: the message interval, in milliseconds (an outage shorter than one interval may go unseen)."),
                "newConnections": newConnections,
                "intervals": intervals,
            ])
    }

    /// The outage intervals of a timeline, established or new connections.
    static let intervals = Schema.array(
        "The longest intervals, ordered by start.",
        of: .object(
            "Overlapping outages of one or more flows (or destinations, for new connections).",
            required: ["start", "end", "durationMilliseconds", "outages"],
            [
                "start": dateTime("Send time of the first unanswered exchange or failed new connection, or when a connection broke (microseconds)."),
                "end": dateTime("Send time of the next answered exchange or successful new connection (microseconds)."),
                "durationMilliseconds": .number("end - start in milliseconds."),
                "outages": .integer("Flow (or destination) outages joined in this interval."),
                "longestOutageMilliseconds": .number("The longest single-flow outage in it."),
                "causes": .map("Outages by what started them: timeout, refused, reset, closed, unreachable, ...", values: .integer("Outages.")),
                "peers": .array("Destinations of the flows hit (at most 8).", of: .string("address:port", maxLength: 64), maxItems: 8),
                "reconnects": .integer("TCP connections re-established."),
                "connectAttempts": .integer("Connection attempts those took."),
                "longestReconnectMilliseconds": .number("Longest time from a break to its new connection."),
                "ongoing": .boolean("Still open when written."),
            ]),
        maxItems: 100)

    /// `disruption.newConnections`: the timeline of new, short connections, apart from the established flows'.
    static let newConnections = Schema.object(
        "With flows.newConnectionRate: new, short connections (connect, one exchange, close) probed next to the long-lived flows; an outage of one destination runs from its first failed probe to its next successful one.",
        [
            "ratePerSecond": .number("Probes per second of one generator."),
            "resolutionMilliseconds": .number(
                "This timeline's resolution: the time between two probes to one destination, in milliseconds (an outage shorter than it may go unseen)."),
            "attempts": .integer("Probes started."),
            "failures": .integer("Probes that did not connect, or were not echoed within responseTimeout."),
            "causes": .map("Failed probes by cause: refused, timeout, reset, closed, unreachable, ...", values: .integer("Probes.")),
            "disruptedSeconds": .number("Seconds during which new connections to at least one destination failed."),
            "longestOutageMilliseconds": .number("The longest outage of one destination, in milliseconds. At most three decimals, rounded up."),
            "outages": .integer("Destination outages: runs of failed probes until the next success."),
            "activeOutages": .integer("Outages still open when this was written."),
            "intervalCount": .integer("Disruption intervals, including those left out of intervals."),
            "intervals": intervals,
        ])

    public static let agentStatus = Schema.object(
        "One agent's reports: one per process (container start) that ran under this pod name.",
        required: ["role", "incarnations"],
        [
            "role": .string("echo or generator.", enum: ["echo", "generator"]),
            "incarnations": .map(
                "Reports keyed by incarnation (pod UID prefix and process start); the summary sums them all.", values: agentReport),
        ])

    static let agentReport = Schema.object(
        "One agent process's cumulative statistics; absolute values, so a repeated report never counts twice.",
        required: ["startTime", "reportTime", "finished"],
        [
            "startTime": dateTime("When the agent process started."),
            "reportTime": dateTime("When the agent wrote this report."),
            "finished": .boolean("True in the report an agent writes when it stops."),
            "flowsSkipped": .integer("Generators: arrivals not started because maxConcurrent flows were open, connecting ones included."),
            "elapsedSeconds": .number("Seconds the agent has been running its role."),
            "tcp": .passThrough("Generator TCP counters: flows, bytes, messages, failures by reason, retransmits."),
            "udp": .passThrough("Generator UDP counters: flows, bytes, datagrams, failures by reason, loss, duplicates, reordering, jitter."),
            "rtt": .passThrough(
                "Generator round-trip histogram: count, max, p50/p99 for reading, and buckets as \"index:count\" (a bare count is the next index), log buckets of about 2 % merged across agents for percentiles."),
            "patterns": .map(
                "Generators with flows.mix: each traffic pattern's figures, keyed by pattern name.",
                values: .object(
                    "One pattern's figures.",
                    [
                        "flows": .passThrough("The pattern's counters, as tcp and udp have them."),
                        "rtt": .passThrough("The pattern's round trips, as rtt, in buckets bucketWidth (8) steps wide, about 17 %."),
                    ])),
            "disruption": disruption("Generators in the continuous pattern: their outages, joined into intervals."),
            "timeline": timeline,
            "influxDB": .object(
                "Agents with spec.export.influxDB: points written, dropped (oldest first, while the server was away), rejected by the server, and still pending.",
                [
                    "written": .integer("Points the server accepted."), "dropped": .integer("Points dropped because the buffer was full."),
                    "rejected": .integer("Points the server refused; the agent's log says why."), "pending": .integer("Points not written yet."),
                ]),
            "flowLog": .object(
                "Agents with spec.flowLog: flow records written, and dropped because the writer fell behind.",
                ["written": .integer("Records written."), "dropped": .integer("Records dropped; the agent's log says so too.")]),
            "listeners": .array("Echo listener counters.", of: .passThrough("One listener's counters."), maxItems: 64),
            "marking": marking("With flows.marking: marks checked on arrival (echo servers), flow labels refused and fireflies sent (generators), fireflies received (echo servers)."),
        ])

    static func marking(_ description: String) -> Schema {
        let tally = { (what: String) in
            Schema.object(
                "\(what) the echo servers checked against flows.marking.",
                [
                    "marked": .integer("Arrived with every expected mark."),
                    "remarked": .integer("Arrived with other marks: re-marked on the way."),
                    "unmarked": .integer("Arrived with none of the expected marks (DSCP 0; a flow label without the SciTag): bleached on the way."),
                ])
        }
        return .object(
            description,
            [
                "tcp": tally("TCP connections"), "udp": tally("UDP datagrams"),
                "flowLabelsRefused": .integer("Flows whose flow label the generator's kernel refused; they ran unlabelled and the generator's log says why."),
                "firefliesSent": .integer("Fireflies the generators sent."),
                "firefliesReceived": .integer("Fireflies the echo servers received."),
            ])
    }

    static let timeline = Schema.object(
        "Generators: figures over time for `flowtest-agent report`, on a wall-clock grid shared by every agent; sample k covers ((k-1)·step, k·step] in Unix milliseconds.",
        required: ["stepMilliseconds", "startUnixMilliseconds", "endUnixMilliseconds", "firstSample", "samples"],
        [
            "stepMilliseconds": .integer("The length of one step: 1000 times a power of two (it doubles to keep at most \(TimeSeries.sampleLimit) samples, and the text within --timeline-bytes).", minimum: 1000),
            "startUnixMilliseconds": .integer("When sampling began; the first sample covers from here."),
            "endUnixMilliseconds": .integer("When the last sample was taken."),
            "firstSample": .integer("The index k of the first sample."),
            "samples": .string(
                "One sample per step from firstSample on, separated by ';': started,completed,failed,active,bytes,udpSent,udpLost,jitterMicroseconds,jitterFlows,rtt (a zero is empty; rtt is first:count/count/... in half-octave buckets of nanoseconds).",
                maxLength: TimeSeries.textLimit),
        ])
}
