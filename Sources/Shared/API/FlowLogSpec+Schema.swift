extension FlowLogSpec {
    /// The schema of `spec.flowLog`.
    public static let schema = Schema.object(
        "One JSON Lines record per flow on each agent's stdout, marked {\"flowtest_flow\":{...}} so that kubectl logs and log pipelines can tell them from log lines; `flowtest-agent flows convert` turns them into CSV, JSON or JSON Lines.",
        rules: [
            ValidationRule(
                cel: "self.generators || self.echo", message: "at least one of generators and echo must be true, or leave flowLog out"
            ) { flowLog in flowLog["generators"]?.bool != false || flowLog["echo"]?.bool != false },
        ],
        [
            "generators": .boolean("Records from the generators: the 5-tuple as bound and dialled (the Service VIP in Service mode).", default: true),
            "echo": .boolean("Records from the echo servers: the 5-tuple they saw (the client after SNAT, the backend after DNAT).", default: true),
        ])
}
