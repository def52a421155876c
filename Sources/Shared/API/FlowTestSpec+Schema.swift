extension FlowTestSpec {
    /// The schema of `spec`, with the rules that span its parts.
    public static let schema = Schema.object(
        "The flows to generate, between which agents, and what counts as passing.",
        required: ["flows"],
        rules: [
            ValidationRule(
                cel: "duration(self.duration) > duration('0s')",
                message: "duration must be greater than 0", fieldPath: ".duration"
            ) { spec in (spec["duration"]?.string.flatMap(ValueParsers.duration) ?? .seconds(1)) > .zero },
            ValidationRule(
                cel: "self.flows.protocol == 'udp' || size(self.ports.tcp) > 0",
                message: "ports.tcp needs at least one port when flows.protocol is tcp or both", fieldPath: ".ports.tcp"
            ) { spec in spec["flows"]?["protocol"]?.string == "udp" || !(spec["ports"]?["tcp"]?.array?.isEmpty ?? true) },
            ValidationRule(
                cel: "self.flows.protocol == 'tcp' || size(self.ports.udp) > 0",
                message: "ports.udp needs at least one port when flows.protocol is udp or both", fieldPath: ".ports.udp"
            ) { spec in spec["flows"]?["protocol"]?.string == "tcp" || !(spec["ports"]?["udp"]?.array?.isEmpty ?? true) },
            ValidationRule(
                cel: "self.flows.protocol == 'tcp' || (has(self.flows.payload.size) ? self.flows.payload.size : (has(self.flows.payload.minSize) ? self.flows.payload.minSize : 64)) >= 24",
                message: "UDP payloads must be at least 24 bytes, room for the measurement header", fieldPath: ".flows.payload"
            ) { spec in spec["flows"]?["protocol"]?.string == "tcp" || Self.payloadBounds(spec).smallest >= 24 },
            ValidationRule(
                cel: "self.flows.protocol == 'tcp' || self.flows.allowFragmentation || (has(self.flows.payload.size) ? self.flows.payload.size : (has(self.flows.payload.maxSize) ? self.flows.payload.maxSize : 64)) <= self.flows.mtu - 28",
                message: "UDP payloads must fit the MTU (at most mtu - 28 bytes) unless flows.allowFragmentation is set",
                fieldPath: ".flows.payload"
            ) { spec in
                guard spec["flows"]?["protocol"]?.string != "tcp", spec["flows"]?["allowFragmentation"]?.bool != true else { return true }
                return Self.payloadBounds(spec).largest <= (spec["flows"]?["mtu"]?.number ?? 1500) - 28
            },
            // An IPv6 header is 20 bytes longer: a datagram that fits over IPv4 may not over IPv6.
            ValidationRule(
                cel: "self.flows.protocol == 'tcp' || self.flows.allowFragmentation || !has(self.target.ipFamilies) || !('IPv6' in self.target.ipFamilies) || (has(self.flows.payload.size) ? self.flows.payload.size : (has(self.flows.payload.maxSize) ? self.flows.payload.maxSize : 64)) <= self.flows.mtu - 48",
                message: "UDP payloads must fit the MTU over IPv6 (at most mtu - 48 bytes) unless flows.allowFragmentation is set",
                fieldPath: ".flows.payload"
            ) { spec in
                guard spec["flows"]?["protocol"]?.string != "tcp", spec["flows"]?["allowFragmentation"]?.bool != true,
                    spec["target"]?["ipFamilies"]?.array?.contains(.string("IPv6")) == true
                else { return true }
                return Self.payloadBounds(spec).largest <= (spec["flows"]?["mtu"]?.number ?? 1500) - 48
            },
            // Every agent writes one status patch per interval: at 100 agents, 1 s is already
            // 100 writes a second to the apiserver. Shorter is never sane in a cluster.
            ValidationRule(
                cel: "duration(self.reportInterval) >= duration('1s')",
                message: "reportInterval must be at least 1s", fieldPath: ".reportInterval"
            ) { spec in (spec["reportInterval"]?.string.flatMap(ValueParsers.duration) ?? .seconds(10)) >= .seconds(1) },
            ValidationRule(
                cel: "duration(self.echo.readyTimeout) > duration('0s')",
                message: "echo.readyTimeout must be greater than 0", fieldPath: ".echo.readyTimeout"
            ) { spec in (spec["echo"]?["readyTimeout"]?.string.flatMap(ValueParsers.duration) ?? .seconds(1)) > .zero },
            ValidationRule(
                cel: "self.flows.pattern != 'continuous' || !has(self.flowCount)",
                message: "flowCount does not apply to the continuous pattern, which holds maxConcurrent flows for the whole duration",
                fieldPath: ".flowCount"
            ) { spec in spec["flows"]?["pattern"]?.string != "continuous" || spec["flowCount"] == nil },
            ValidationRule(
                cel: "self.flows.pattern == 'continuous' || !has(self.thresholds) || (!has(self.thresholds.maxOutage) && !has(self.thresholds.maxDisruptedSeconds))",
                message: "thresholds.maxOutage and maxDisruptedSeconds need flows.pattern continuous, the pattern that measures outages",
                fieldPath: ".thresholds"
            ) { spec in
                spec["flows"]?["pattern"]?.string == "continuous"
                    || (spec["thresholds"]?["maxOutage"] == nil && spec["thresholds"]?["maxDisruptedSeconds"] == nil)
            },
            ValidationRule(
                cel: "!has(self.flows.marking) || !has(self.flows.marking.scitag) || (has(self.target.ipFamilies) && 'IPv6' in self.target.ipFamilies)",
                message: "a SciTag is an IPv6 flow label: target.ipFamilies must include IPv6", fieldPath: ".flows.marking.scitag"
            ) { spec in
                spec["flows"]?["marking"]?["scitag"] == nil || (spec["target"]?["ipFamilies"]?.array?.contains(.string("IPv6")) ?? false)
            },
            ValidationRule(
                cel: "!has(self.thresholds) || !has(self.thresholds.minMarkedPercent) || (has(self.flows.marking) && (has(self.flows.marking.dscp) || has(self.flows.marking.scitag)))",
                message: "thresholds.minMarkedPercent needs flows.marking.dscp or flows.marking.scitag, the marks the echo checks",
                fieldPath: ".thresholds.minMarkedPercent"
            ) { spec in
                spec["thresholds"]?["minMarkedPercent"] == nil
                    || spec["flows"]?["marking"]?["dscp"] != nil || spec["flows"]?["marking"]?["scitag"] != nil
            },
            ValidationRule(
                cel: "self.target.mode != 'External' || has(self.target.host)",
                message: "target.host is required when target.mode is External", fieldPath: ".target.host"
            ) { spec in spec["target"]?["mode"]?.string != "External" || spec["target"]?["host"] != nil },
            ValidationRule(
                cel: "!has(self.target.peersPerGenerator) || self.target.mode == 'Pods'",
                message: "target.peersPerGenerator applies to target.mode Pods only", fieldPath: ".target.peersPerGenerator"
            ) { spec in spec["target"]?["peersPerGenerator"] == nil || spec["target"]?["mode"]?.string == "Pods" },
            // DESIGN.md decision 7: the generators' subsets together cover every echo pod. Fewer
            // would leave pods no flow reaches, and a test that passes without having looked.
            ValidationRule(
                cel: "!has(self.target.peersPerGenerator) || self.generators.replicas * self.target.peersPerGenerator >= self.echo.replicas",
                message: "generators.replicas * target.peersPerGenerator must be at least echo.replicas, so that every echo pod is dialled: raise either, or leave out peersPerGenerator",
                fieldPath: ".target.peersPerGenerator"
            ) { spec in
                guard let peers = spec["target"]?["peersPerGenerator"]?.number else { return true }
                return (spec["generators"]?["replicas"]?.number ?? 1) * peers >= (spec["echo"]?["replicas"]?.number ?? 1)
            },
        ],
        [
            "flows": FlowsSpec.schema,
            "duration": .duration("Total run time: generators stop starting flows, and open flows end, after this long.", default: "60s"),
            "flowCount": .integer("Stop after starting this many flows per generator, if that comes before duration.", minimum: 1),
            "ports": PortsSpec.schema.defaulting(to: .object([:])),
            "target": TargetSpec.schema.defaulting(to: .object([:])),
            "echo": EchoSpec.schema.defaulting(to: .object([:])),
            "generators": GeneratorsSpec.schema.defaulting(to: .object([:])),
            "thresholds": ThresholdsSpec.schema,
            "export": ExportSpec.schema,
            "flowLog": FlowLogSpec.schema,
            "reportInterval": .duration("How often each agent writes its statistics into its FlowTestReport; at least 1s.", default: "10s"),
            "cleanupPolicy": .string(
                "What happens to the agent pods when the test ends: Always deletes them, OnSuccess keeps them after a failure for inspection, Never keeps them.",
                enum: CleanupPolicy.allCases.map(\.rawValue), default: CleanupPolicy.onSuccess.rawValue),
            "image": ImageSpec.schema,
        ])

    /// The smallest and largest message a defaulted spec can send.
    static func payloadBounds(_ spec: JSONValue) -> (smallest: Double, largest: Double) {
        let payload = spec["flows"]?["payload"]
        if let size = payload?["size"]?.number { return (size, size) }
        return (payload?["minSize"]?.number ?? 64, payload?["maxSize"]?.number ?? 64)
    }
}

extension PortsSpec {
    public static let schema = Schema.object(
        "Ports the echo servers listen on and the generators send to.",
        [
            "tcp": .array(
                "TCP ports.", of: .integer("A TCP port.", minimum: 1, maximum: 65535, format: "int32"), maxItems: 16, listType: "set",
                default: .array([.integer(8080)])),
            "udp": .array(
                "UDP ports.", of: .integer("A UDP port.", minimum: 1, maximum: 65535, format: "int32"), maxItems: 16, listType: "set",
                default: .array([.integer(8080)])),
        ])
}

extension TargetSpec {
    public static let schema = Schema.object(
        "Where generators send flows: the echo Service (default), the echo pods directly, or an external host.",
        [
            "mode": .string(
                "Service: the echo Service's cluster IP. Pods: every generator spreads its flows over every echo pod's IP (a full mesh, or peersPerGenerator of them), learned through the headless Service <name>-pods and looked up again every 5s, bypassing Service load balancing. External: host, with no echo servers started.",
                enum: TargetSpec.Mode.allCases.map(\.rawValue), default: TargetSpec.Mode.service.rawValue),
            "host": .string("Host name or IP address of an external echo server (mode External)."),
            "peersPerGenerator": .integer(
                "Pods mode: each generator dials only this many echo pods, a window of the ring of echo pods sorted by address; the windows of all generators together cover every echo pod (generators.replicas * peersPerGenerator must be at least echo.replicas), each echo pod then receiving flows from about generators.replicas * peersPerGenerator / echo.replicas generators. Default: every echo pod (a full mesh).",
                minimum: 1, maximum: 1000, format: "int32"),
            "ipFamilies": .array(
                "IP families of the echo Service (ipFamilies, with ipFamilyPolicy SingleStack for one and RequireDualStack for two), primary first; in Pods mode the headless Service has the primary one only, so the flows go to the echo pods' addresses of that family. Default: the cluster's; locally IPv4. Local mode runs on 127.0.0.1 and/or ::1.",
                of: .string("IPv4 or IPv6.", enum: IPFamily.allCases.map(\.rawValue)), maxItems: 2, listType: "set"),
        ])
}
