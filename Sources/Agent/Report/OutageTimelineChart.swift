import FlowTestShared

/// The disruption timeline as inline SVG: one row per destination the outages hit (in Pods mode,
/// an echo pod), a bar for every interval on each row it touched, so the pod that broke, and
/// when and for how long, are seen at a glance.
struct OutageTimelineChart {
    var frame: ChartFrame
    var intervals: [OutageInterval]
    /// Nanoseconds since the epoch of the report's time zero.
    var origin: Int64
    /// The end of the time axis, in seconds since `origin`.
    var duration: Double
    /// What the chart says when nothing broke.
    var emptyMessage = "no outage: every exchange was answered"

    /// Rows a chart shows at most; intervals on other peers share the last row.
    static let rowLimit = 16
    static let noPeer = "(no destination)"

    /// Each row's peer, the one hit most often first.
    var rows: [String] {
        var hits: [String: Int] = [:]
        for interval in intervals {
            for peer in interval.peers.isEmpty ? [Self.noPeer] : interval.peers { hits[peer, default: 0] += 1 }
        }
        let ordered = hits.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        return ordered.count > Self.rowLimit ? Array(ordered.prefix(Self.rowLimit - 1)) + ["other destinations"] : ordered
    }

    func svg() -> String {
        guard !intervals.isEmpty else { return frame.empty(emptyMessage) }
        let rows = rows
        var frame = frame
        frame.left = min(300, 24 + Double(rows.map(\.count).max() ?? 0) * 7.2)
        frame.top = 16
        frame.height = frame.top + frame.bottom + Double(rows.count) * 26
        let end = max(duration, intervals.map { Double($0.end - origin) / 1e9 }.max() ?? 0, 1)
        let scale = ChartScale.time(maximum: end)
        var svg = frame.open() + frame.timeAxis(scale)
        for (row, peer) in rows.enumerated() {
            let y = frame.top + Double(row) * 26
            svg += "<line class=\"grid\" x1=\"\(ChartFrame.number(frame.left))\" x2=\"\(ChartFrame.number(frame.width - frame.right))\" y1=\"\(ChartFrame.number(y + 22))\" y2=\"\(ChartFrame.number(y + 22))\"/>"
            svg += "<text class=\"label\" x=\"\(ChartFrame.number(frame.left - 8))\" y=\"\(ChartFrame.number(y + 15))\" text-anchor=\"end\">\(HTML.escape(peer))</text>"
        }
        let other = rows.count - 1
        for interval in intervals {
            let peers = interval.peers.isEmpty ? [Self.noPeer] : interval.peers
            let rowIndexes = Set(peers.map { rows.firstIndex(of: $0) ?? other })
            let start = frame.x(scale.fraction(Double(interval.start - origin) / 1e9))
            // At least two pixels: a 50 ms outage in a 10-minute test must still be seen.
            let width = max(2, frame.x(scale.fraction(Double(interval.end - origin) / 1e9)) - start)
            let tooltip = "\(ReportFormat.elapsed(Double(interval.start - origin) / 1e9)): \(interval.description)"
            for row in rowIndexes.sorted() {
                let y = frame.top + Double(row) * 26 + 4
                svg += "<rect class=\"outage\(interval.ongoing ? " ongoing" : "")\" x=\"\(ChartFrame.number(start))\" y=\"\(ChartFrame.number(y))\" width=\"\(ChartFrame.number(width))\" height=\"16\" fill=\"\(ChartPalette.bad)\"><title>\(HTML.escape(tooltip))</title></rect>"
            }
        }
        return svg + "</svg>"
    }
}
