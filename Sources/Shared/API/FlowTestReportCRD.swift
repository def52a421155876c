/// The CustomResourceDefinition of FlowTestReport, generated from the Swift types' schema.
///
/// `deploy/crds/flowtest.dev_flowtestreports.yaml` is `flowtest-controller crd --kind
/// FlowTestReport` output and never edited by hand; a test fails when it is stale.
public enum FlowTestReportCRD {
    /// No status subresource (see `FlowTestReport` for why), no category: `kubectl get all`
    /// should not list a thousand reports.
    public static let kind = CRDRenderer.Kind(
        kind: FlowTestReport.kind, plural: FlowTestReport.plural, singular: "flowtestreport", shortNames: ["ftr"], categories: [],
        statusSubresource: false, printerColumns: printerColumns, schema: FlowTestReport.schema)

    public static var definition: JSONValue { CRDRenderer.definition(kind) }

    /// What `kubectl get flowtestreports -l flowtest.dev/name=NAME` shows: one line per agent,
    /// with its latest process's headline; `Reported` ages when an agent stops reporting.
    static let printerColumns: [JSONValue] = [
        CRDRenderer.column("Role", "string", ".report.role", "generator or echo."),
        CRDRenderer.column("Started", "integer", ".latest.flowsStarted", "Latest incarnation: flows started."),
        CRDRenderer.column("Failed", "integer", ".latest.flowsFailed", "Latest incarnation: flows failed."),
        CRDRenderer.column("P99-ms", "number", ".latest.rttP99Milliseconds", "Latest incarnation: 99th-percentile round trip in milliseconds."),
        CRDRenderer.column("Finished", "boolean", ".latest.finished", "Latest incarnation: stopped and wrote its final report."),
        CRDRenderer.column("Reported", "date", ".latest.reportTime", "Time since the latest report."),
        CRDRenderer.column("Incarnation", "string", ".latest.incarnation", "The latest incarnation's key.", priority: 1),
        CRDRenderer.column("FlowTest", "string", ".metadata.labels.flowtest\\.dev/name", "The FlowTest this agent belongs to.", priority: 1),
        CRDRenderer.column("Age", "date", ".metadata.creationTimestamp", "Time since creation."),
    ]

    /// The CRD as YAML, exactly as committed in deploy/crds.
    public static func yaml() throws -> String {
        try CRDRenderer.yaml(definition)
    }
}
