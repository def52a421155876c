/// The parts every chart of a report shares: the SVG element with its viewBox, the plot area,
/// the grid with labelled ticks, and the message a chart without data shows instead of lines.
struct ChartFrame {
    /// Identifies the chart in the page (`data-chart`), for readers and for the browser test.
    let id: String
    /// What the chart shows, for screen readers and as its tooltip.
    let label: String
    var width = 960.0
    var height = 280.0
    var left = 72.0
    var right = 20.0
    var top = 34.0
    var bottom = 40.0

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func x(_ fraction: Double) -> Double { left + fraction * plotWidth }
    func y(_ fraction: Double) -> Double { top + (1 - fraction) * plotHeight }

    /// Opens the chart's `<svg>`; it scales to the page's width and keeps its proportions.
    func open() -> String {
        "<svg class=\"chart\" data-chart=\"\(HTML.escape(id))\" role=\"img\" aria-label=\"\(HTML.escape(label))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(HTML.escape(label))</title>"
    }

    /// Horizontal grid lines with the value scale's labels on the left, and the axis's unit.
    func valueGrid(_ scale: ChartScale, unit: String, format: (Double) -> String = ReportFormat.compact) -> String {
        var svg = ""
        for tick in scale.ticks {
            let position = y(scale.fraction(tick))
            svg += "<line class=\"grid\" x1=\"\(Self.number(left))\" x2=\"\(Self.number(width - right))\" y1=\"\(Self.number(position))\" y2=\"\(Self.number(position))\"/>"
            svg += "<text class=\"tick\" x=\"\(Self.number(left - 6))\" y=\"\(Self.number(position + 4))\" text-anchor=\"end\">\(HTML.escape(format(tick)))</text>"
        }
        svg += "<text class=\"unit\" x=\"\(Self.number(left - 6))\" y=\"\(Self.number(top - 14))\" text-anchor=\"end\">\(HTML.escape(unit))</text>"
        return svg
    }

    /// Vertical ticks along the bottom for a time axis in seconds since the test's start.
    func timeAxis(_ scale: ChartScale) -> String {
        var svg = "<line class=\"axis\" x1=\"\(Self.number(left))\" x2=\"\(Self.number(width - right))\" y1=\"\(Self.number(top + plotHeight))\" y2=\"\(Self.number(top + plotHeight))\"/>"
        for tick in scale.ticks {
            let position = x(scale.fraction(tick))
            svg += "<line class=\"axis\" x1=\"\(Self.number(position))\" x2=\"\(Self.number(position))\" y1=\"\(Self.number(top + plotHeight))\" y2=\"\(Self.number(top + plotHeight + 5))\"/>"
            svg += "<text class=\"tick\" x=\"\(Self.number(position))\" y=\"\(Self.number(top + plotHeight + 20))\" text-anchor=\"middle\">\(HTML.escape(ReportFormat.elapsed(tick)))</text>"
        }
        return svg
    }

    /// A legend along the top: a coloured square and the name of each series.
    func legend(_ entries: [(name: String, color: String)]) -> String {
        var svg = ""
        var position = left
        for entry in entries {
            svg += "<rect class=\"key\" x=\"\(Self.number(position))\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(entry.color)\"/>"
            svg += "<text class=\"legend\" x=\"\(Self.number(position + 17))\" y=\"18\">\(HTML.escape(entry.name))</text>"
            position += 30 + Double(entry.name.count) * 7.5
        }
        return svg
    }

    /// The whole chart when there is nothing to draw: the frame and a sentence saying why.
    func empty(_ message: String) -> String {
        // Short: a sentence needs no room for lines.
        var frame = self
        frame.height = top + bottom + 60
        return frame.open()
            + "<rect class=\"plot\" x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(frame.plotWidth))\" height=\"\(Self.number(frame.plotHeight))\"/>"
            + "<text class=\"empty\" x=\"\(Self.number(left + frame.plotWidth / 2))\" y=\"\(Self.number(top + frame.plotHeight / 2 + 5))\" text-anchor=\"middle\">\(HTML.escape(message))</text></svg>"
    }

    /// Coordinates with at most one decimal: enough for a screen, short in the file.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
