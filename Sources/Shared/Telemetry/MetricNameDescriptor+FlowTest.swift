import Prometheus

extension MetricNameDescriptor {
    /// The descriptor of a FlowTest metric given its full name (`flowtest_flows_started_total`):
    /// namespace `flowtest`, and the unit suffix split off, as swift-prometheus wants them.
    public static func flowTest(_ fullName: String, help: String) -> MetricNameDescriptor {
        var name = Substring(fullName)
        if name.hasPrefix("flowtest_") { name = name.dropFirst("flowtest_".count) }
        for unit in ["total", "seconds", "bytes"] where name.hasSuffix("_" + unit) {
            return MetricNameDescriptor(
                namespace: "flowtest", metricName: String(name.dropLast(unit.count + 1)), unitName: unit, helpText: help)
        }
        return MetricNameDescriptor(namespace: "flowtest", metricName: String(name), unitName: "", helpText: help)
    }
}
