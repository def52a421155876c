extension FlowsSpec {
    /// The schema of `spec.flows`, with the rules between its fields.
    public static let schema = Schema.object(
        "How each generator starts flows and what a flow sends; the same settings as flowtest-agent generate.",
        required: ["rate"],
        rules: [
            ValidationRule(
                cel: "duration(self.minDuration) <= duration(self.maxDuration)",
                message: "minDuration must not be longer than maxDuration", fieldPath: ".minDuration"
            ) { flows in
                guard let low = flows["minDuration"]?.string.flatMap(ValueParsers.duration),
                    let high = flows["maxDuration"]?.string.flatMap(ValueParsers.duration)
                else { return true }
                return low <= high
            },
            ValidationRule(
                cel: "self.pattern != 'random' || duration(self.maxDuration) > duration('0s')",
                message: "maxDuration must be greater than 0 for the random pattern", fieldPath: ".maxDuration"
            ) { flows in
                flows["pattern"]?.string != "random" || (flows["maxDuration"]?.string.flatMap(ValueParsers.duration) ?? .seconds(1)) > .zero
            },
            ValidationRule(
                cel: "duration(self.connectTimeout) > duration('0s') && duration(self.responseTimeout) > duration('0s') && duration(self.stallTimeout) > duration('0s')",
                message: "connectTimeout, responseTimeout and stallTimeout must be greater than 0"
            ) { flows in
                ["connectTimeout", "responseTimeout", "stallTimeout"].allSatisfy {
                    (flows[$0]?.string.flatMap(ValueParsers.duration) ?? .seconds(1)) > .zero
                }
            },
            ValidationRule(
                cel: "self.pattern != 'continuous' || !has(self.messageInterval) || duration(self.messageInterval) > duration('0s')",
                message: "messageInterval must be greater than 0 for the continuous pattern: outages are measured between paced exchanges",
                fieldPath: ".messageInterval"
            ) { flows in
                flows["pattern"]?.string != "continuous" || (flows["messageInterval"]?.string.flatMap(ValueParsers.duration) ?? .seconds(1)) > .zero
            },
            ValidationRule(
                cel: "self.pattern == 'continuous' || !has(self.newConnectionRate)",
                message: "newConnectionRate needs pattern continuous, whose long-lived flows the new connections are measured next to",
                fieldPath: ".newConnectionRate"
            ) { flows in flows["pattern"]?.string == "continuous" || flows["newConnectionRate"] == nil },
            ValidationRule(
                cel: "self.pattern != 'continuous' || !has(self.mix)",
                message: "mix does not apply to the continuous pattern, whose flows all live the whole run", fieldPath: ".mix"
            ) { flows in flows["pattern"]?.string != "continuous" || flows["mix"] == nil },
            ValidationRule(
                cel: "!has(self.mix) || self.allowFragmentation || self.mix.all(e, !(has(e.protocol) ? e.protocol == 'udp' : (e.pattern == 'dns' || (e.pattern == 'random' && self.protocol != 'tcp'))) || ((!has(e.requestSize) || e.requestSize.max <= self.mtu - 28) && (!has(e.responseSize) || e.responseSize.max <= self.mtu - 28)))",
                message: "UDP patterns' requestSize and responseSize must fit the MTU (at most mtu - 28 bytes) unless allowFragmentation is set",
                fieldPath: ".mix"
            ) { flows in
                guard let mix = flows["mix"]?.array, flows["allowFragmentation"]?.bool != true else { return true }
                let limit = (flows["mtu"]?.number ?? 1500) - 28
                return mix.allSatisfy { entry in
                    // Without a protocol of its own, dns is UDP, and random takes the test's.
                    let udp = entry["protocol"].map { $0.string == "udp" }
                        ?? (entry["pattern"]?.string == "dns" || (entry["pattern"]?.string == "random" && flows["protocol"]?.string != "tcp"))
                    return !udp || ["requestSize", "responseSize"].allSatisfy { (entry[$0]?["max"]?.number ?? 0) <= limit }
                }
            },
            ValidationRule(
                cel: "!has(self.mix) || self.mix.all(e, !has(e.responseSize) || has(e.requestSize) || (has(self.payload.size) ? self.payload.size : (has(self.payload.minSize) ? self.payload.minSize : 64)) >= 32)",
                message: "a mix entry with responseSize and no requestSize takes its requests from payload, which must then be at least 32 bytes (room for the header that asks for the response)",
                fieldPath: ".mix"
            ) { flows in
                guard let mix = flows["mix"]?.array else { return true }
                let payload = flows["payload"]
                let smallest = payload?["size"]?.number ?? payload?["minSize"]?.number ?? 64
                return mix.allSatisfy { $0["responseSize"] == nil || $0["requestSize"] != nil || smallest >= 32 }
            },
        ],
        [
            "dedicatedThreads": .boolean(
                "Latency mode: the agents' event loops poll for 200 µs after each event instead of sleeping, so an answer is read as it lands rather than after the scheduler wakes the loop; round trips closer to sockperf's, for more CPU. Every pattern and feature runs in it.",
                default: false),
            "mix": TrafficMixEntry.listSchema,
            "protocol": .string("Transport of the flows: tcp, udp, or both (flows alternate).", enum: ["tcp", "udp", "both"], default: "both"),
            "pattern": .string(
                "constant: exactly rate flows start each second and each lives maxConcurrent/rate, so maxConcurrent are open in steady state. random: Poisson arrivals at rate, lifetimes uniform in [minDuration, maxDuration]. continuous: maxConcurrent flows, opened at rate per second, live the whole duration and reconnect when broken; every outage goes into status.disruption.",
                enum: FlowPattern.allCases.map(\.rawValue), default: "random"),
            "rate": .integer("New flows per second, per generator.", minimum: 1, maximum: 1_000_000),
            "maxConcurrent": .integer("Most flows open at once, per generator.", minimum: 1, maximum: 10_000_000, default: 100),
            "minDuration": .duration("Shortest flow lifetime in the random pattern, e.g. 1s.", default: "1s"),
            "maxDuration": .duration("Longest flow lifetime in the random pattern, e.g. 10s.", default: "10s"),
            "messageInterval": .duration(
                "Pause between the messages of a flow; 0 sends the next one as soon as the echo of the previous is back. Default: 10ms for the continuous pattern (an outage is measured to within one interval), 100ms for the others."),
            "payload": PayloadSpec.schema.defaulting(to: .object([:])),
            "mtu": .integer(
                "Path MTU in bytes. UDP payloads must fit it (MTU - 28 over IPv4) unless allowFragmentation is set.",
                minimum: 68, maximum: 65535, default: 1500),
            "mss": .integer("TCP maximum segment size, applied with TCP_MAXSEG. Default: the kernel's.", minimum: 88, maximum: 65495),
            "allowFragmentation": .boolean("Allow UDP payloads larger than the MTU; otherwise UDP sockets set don't-fragment.", default: false),
            "seed": .integer("Seed of the random pattern and payload sizes, for a reproducible run. Default: random, reported in the agent logs.", minimum: 0),
            "connectTimeout": .duration("How long a TCP connect may take before the flow fails with reason timeout.", default: "5s"),
            "responseTimeout": .duration(
                "How long to wait for an echo before a TCP flow fails or a UDP datagram counts as lost; in the continuous pattern, before an outage starts (e.g. 50ms).",
                default: "2s"),
            "stallTimeout": .duration(
                "Continuous pattern: how long a TCP flow waits for an overdue echo before it gives up on the connection and reconnects, as an application with a read deadline would.",
                default: "1s"),
            "newConnectionRate": .integer(
                "Continuous pattern: new short connections (connect, one exchange, close) per second, per generator, next to the long-lived flows, to the same destinations and with the flows' transports; their failures make a timeline of their own (status.disruption.newConnections) whose resolution is the time between two probes to one destination: 1/rate with one target, port and protocol, probes taking turns over several. Default 10; 0 turns it off. Each TCP probe leaves a TIME_WAIT socket for a minute, hence at most 1000.",
                minimum: 0, maximum: 1000),
            "marking": MarkingSpec.schema,
        ])
}

extension PayloadSpec {
    /// The schema of `spec.flows.payload`.
    public static let schema = Schema.object(
        "Message sizes in bytes: size for a fixed size (default 64), or minSize and maxSize for sizes drawn uniformly per message.",
        rules: [
            ValidationRule(
                cel: "!has(self.size) || (!has(self.minSize) && !has(self.maxSize))",
                message: "set either size or minSize and maxSize, not both"
            ) { payload in payload["size"] == nil || (payload["minSize"] == nil && payload["maxSize"] == nil) },
            ValidationRule(
                cel: "has(self.minSize) == has(self.maxSize)",
                message: "minSize and maxSize must be set together"
            ) { payload in (payload["minSize"] == nil) == (payload["maxSize"] == nil) },
            ValidationRule(
                cel: "!has(self.minSize) || !has(self.maxSize) || self.minSize <= self.maxSize",
                message: "minSize must not be larger than maxSize", fieldPath: ".minSize"
            ) { payload in
                guard let low = payload["minSize"]?.number, let high = payload["maxSize"]?.number else { return true }
                return low <= high
            },
        ],
        [
            "size": .integer("Fixed message size in bytes.", minimum: 1, maximum: 16_777_216),
            "minSize": .integer("Smallest message size in bytes.", minimum: 1, maximum: 16_777_216),
            "maxSize": .integer("Largest message size in bytes.", minimum: 1, maximum: 16_777_216),
        ])
}
