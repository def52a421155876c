extension PlacementSpec {
    public static let schema = Schema.object(
        "Where the pods may run, as in a pod spec.",
        [
            "nodeSelector": .map("Node labels the pods require.", values: .string("A label value.", maxLength: 63)),
            "tolerations": .array(
                "Taints the pods tolerate.",
                of: .object(
                    "A Kubernetes toleration.",
                    [
                        "key": .string("Taint key; empty with operator Exists matches every taint."),
                        "operator": .string("Exists or Equal.", enum: ["Exists", "Equal"]),
                        "value": .string("Taint value, for operator Equal.", maxLength: 63),
                        "effect": .string("NoSchedule, PreferNoSchedule or NoExecute; empty matches all.", enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"]),
                        "tolerationSeconds": .integer("For NoExecute: how long the pod stays once tainted."),
                    ]),
                maxItems: 32),
            "affinity": .passThrough("A Kubernetes Affinity (nodeAffinity, podAffinity, podAntiAffinity), passed to the pods unchanged."),
        ])
}

extension EchoSpec {
    public static let schema = Schema.object(
        "The echo servers.",
        [
            "replicas": .integer("Number of echo pods.", minimum: 1, maximum: 1000, default: 1, format: "int32"),
            "placement": PlacementSpec.schema,
            "readyTimeout": .duration(
                "How long the echo pods may take to become ready (scheduling, image pull, start) before the test fails with reason EchoNotReady.",
                default: "5m"),
        ])
}

extension GeneratorsSpec {
    public static let schema = Schema.object(
        "The generators; all start at the same moment once the echo servers are ready.",
        [
            "replicas": .integer("Number of generator pods.", minimum: 1, maximum: 1000, default: 1, format: "int32"),
            "placement": PlacementSpec.schema,
            "avoidEchoNodes": .boolean(
                "Keep generators off the nodes that run this test's echo servers (pod anti-affinity), so every flow crosses the network.",
                default: false),
        ])
}

extension ThresholdsSpec {
    public static let schema = Schema.object(
        "What the test must achieve to succeed; every threshold that is set must hold, or the test fails and its Failed condition names the threshold.",
        [
            "maxFailedFlowsPercent": .number("Most failed flows, in percent of flows started.", minimum: 0, maximum: 100),
            "maxRTTP99": .duration("Highest acceptable 99th-percentile round-trip time, e.g. 5ms."),
            "maxUDPLossPercent": .number("Most UDP datagrams lost, in percent of those sent.", minimum: 0, maximum: 100),
            "minFlowsCompleted": .integer("Fewest flows that must complete, over all generators.", minimum: 0),
            "maxOutage": .duration(
                "Continuous pattern: the longest outage one flow may see (status.disruption.longestOutageMilliseconds), e.g. 500ms."),
            "maxDisruptedSeconds": .number(
                "Continuous pattern: most seconds during which any flow was in an outage (status.disruption.disruptedSeconds).", minimum: 0),
            "minMarkedPercent": .number(
                "Fewest UDP datagrams and TCP connections, in percent of those the echo servers checked, that must arrive with flows.marking's DSCP and SciTag (status.summary.markedPercent).",
                minimum: 0, maximum: 100),
        ])
}

extension ImageSpec {
    public static let schema = Schema.object(
        "Overrides of the agent image the controller was installed with.",
        [
            "agent": .string("Agent image reference, e.g. registry.example.com/flowtest-agent:1.0.", maxLength: 512),
            "pullPolicy": .string("Image pull policy.", enum: ["Always", "IfNotPresent", "Never"]),
        ])
}
