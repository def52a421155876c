import Prometheus

/// One round-trip histogram family in the Prometheus text format, rendered from summed
/// `PrometheusRoundTrips` at each scrape (swift-prometheus's registry takes no collector of its own,
/// and its histograms cannot be given counts, only values one at a time).
///
/// The lines are those swift-prometheus writes for a `DurationHistogram`: HELP, TYPE, cumulative
/// `_bucket` series with `le` in seconds, `+Inf`, `_sum` and `_count`.
struct RoundTripHistogramFamily: Sendable {
    let name: String
    let help: String

    /// Appends the family with one series per entry of `series` (its labels, in order, and its counts).
    func emit(_ series: [(labels: [(String, String)], buckets: PrometheusRoundTrips)], into buffer: inout [UInt8]) {
        guard !series.isEmpty else { return }
        buffer.append(contentsOf: "# HELP \(name) \(help)\n# TYPE \(name) histogram\n".utf8)
        for (labels, buckets) in series {
            let rendered = Self.render(labels)
            var cumulative: UInt64 = 0
            for index in PrometheusRoundTrips.boundsNanoseconds.indices {
                cumulative += buckets.counts[index]
                let bound = Duration.nanoseconds(Int64(PrometheusRoundTrips.boundsNanoseconds[index])).bucketRepresentation
                buffer.append(contentsOf: "\(name)_bucket{\(rendered),le=\"\(bound)\"} \(cumulative)\n".utf8)
            }
            let count = buckets.count
            let sum = Duration.nanoseconds(Int64(clamping: buckets.sumNanoseconds)).bucketRepresentation
            buffer.append(contentsOf: "\(name)_bucket{\(rendered),le=\"+Inf\"} \(count)\n".utf8)
            buffer.append(contentsOf: "\(name)_sum{\(rendered)} \(sum)\n\(name)_count{\(rendered)} \(count)\n".utf8)
        }
    }

    /// `name="value",…` with the value escaped as the text format requires.
    private static func render(_ labels: [(String, String)]) -> String {
        labels.map { name, value in
            var escaped = ""
            for character in value {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.append(character)
                }
            }
            return "\(name)=\"\(escaped)\""
        }.joined(separator: ",")
    }
}
