/// The CustomResourceDefinition of FlowTest, generated from the Swift types' schema.
///
/// `deploy/crds/flowtest.dev_flowtests.yaml` is `flowtest-controller crd` output and never edited
/// by hand; a test fails when it is stale.
public enum FlowTestCRD {
    /// FlowTest's declaration: status is a subresource, so only the controller's `/status`
    /// writes change it and a user's `kubectl apply` of the spec never clears it.
    public static let kind = CRDRenderer.Kind(
        kind: FlowTest.kind, plural: FlowTest.plural, singular: "flowtest", shortNames: ["ft"], categories: ["all"],
        statusSubresource: true, printerColumns: printerColumns, schema: FlowTest.schema)

    public static var definition: JSONValue { CRDRenderer.definition(kind) }

    /// What `kubectl get flowtests` shows (`-o wide` adds priority-1 columns).
    static let printerColumns: [JSONValue] = [
        column("Phase", "string", ".status.phase", "Pending, Running, Succeeded or Failed."),
        column("Protocol", "string", ".spec.flows.protocol", "tcp, udp or both."),
        column("Rate", "integer", ".spec.flows.rate", "New flows per second per generator."),
        column("Completed", "integer", ".status.summary.flowsCompleted", "Flows that ran their whole lifetime."),
        column("Failed", "integer", ".status.summary.flowsFailed", "Flows that failed."),
        column("P99-ms", "number", ".status.summary.rttP99Milliseconds", "99th-percentile round trip in milliseconds."),
        column("Outage-ms", "number", ".status.disruption.longestOutageMilliseconds", "Continuous pattern: the longest outage of one flow, in milliseconds."),
        column("Loss-%", "number", ".status.summary.udpLossPercent", "UDP datagrams lost, in percent.", priority: 1),
        column("Pattern", "string", ".spec.flows.pattern", "constant or random.", priority: 1),
        column("Age", "date", ".metadata.creationTimestamp", "Time since creation."),
    ]

    private static func column(_ name: String, _ type: String, _ path: String, _ description: String, priority: Int64 = 0) -> JSONValue {
        CRDRenderer.column(name, type, path, description, priority: priority)
    }

    /// The CRD as YAML, exactly as committed in deploy/crds.
    public static func yaml() throws -> String {
        try CRDRenderer.yaml(definition)
    }
}
