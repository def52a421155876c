/// Horizontal bars, one per named value, largest first: failures by reason, one figure per agent.
struct BarChart {
    var frame: ChartFrame
    var unit: String
    var bars: [(label: String, value: Double)]
    /// Bars to draw in the colour of trouble (the odd ones out).
    var highlighted: Set<String> = []
    var color = ChartPalette.color(0)
    var emptyMessage = "nothing to show"

    /// Bars a chart shows at most; the rest are summed into one.
    static let barLimit = 24

    func svg() -> String {
        guard !bars.isEmpty else { return frame.empty(emptyMessage) }
        var sorted = bars.sorted { ($0.value, $1.label) > ($1.value, $0.label) }
        if sorted.count > Self.barLimit {
            let rest = sorted[(Self.barLimit - 1)...]
            sorted = Array(sorted.prefix(Self.barLimit - 1)) + [("\(rest.count) more", rest.map(\.value).reduce(0, +))]
        }
        var frame = frame
        frame.left = min(320, 24 + Double(sorted.map(\.label.count).max() ?? 0) * 7.2)
        frame.top = 30
        frame.right = 80
        frame.bottom = 30
        frame.height = frame.top + frame.bottom + Double(sorted.count) * 24
        let scale = ChartScale.linear(maximum: sorted.map(\.value).max() ?? 1)
        var svg = frame.open()
        for tick in scale.ticks {
            let x = frame.x(scale.fraction(tick))
            svg += "<line class=\"grid\" x1=\"\(ChartFrame.number(x))\" x2=\"\(ChartFrame.number(x))\" y1=\"\(ChartFrame.number(frame.top))\" y2=\"\(ChartFrame.number(frame.height - frame.bottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(ChartFrame.number(x))\" y=\"\(ChartFrame.number(frame.height - frame.bottom + 18))\" text-anchor=\"middle\">\(HTML.escape(ReportFormat.compact(tick)))</text>"
        }
        svg += "<text class=\"unit\" x=\"\(ChartFrame.number(frame.x(1)))\" y=\"18\" text-anchor=\"end\">\(HTML.escape(unit))</text>"
        for (row, bar) in sorted.enumerated() {
            let y = frame.top + Double(row) * 24 + 4
            let width = max(1, scale.fraction(bar.value) * frame.plotWidth)
            let fill = highlighted.contains(bar.label) ? ChartPalette.bad : color
            let tooltip = "\(bar.label): \(ReportFormat.number(bar.value)) \(unit)"
            svg += "<text class=\"label\" x=\"\(ChartFrame.number(frame.left - 8))\" y=\"\(ChartFrame.number(y + 13))\" text-anchor=\"end\">\(HTML.escape(bar.label))</text>"
            svg += "<rect x=\"\(ChartFrame.number(frame.left))\" y=\"\(ChartFrame.number(y))\" width=\"\(ChartFrame.number(width))\" height=\"16\" fill=\"\(fill)\"><title>\(HTML.escape(tooltip))</title></rect>"
            svg += "<text class=\"value\" x=\"\(ChartFrame.number(frame.left + width + 6))\" y=\"\(ChartFrame.number(y + 13))\">\(HTML.escape(ReportFormat.number(bar.value)))</text>"
        }
        return svg + "</svg>"
    }
}
