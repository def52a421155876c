/// A chart of one or more series over the test's time, as inline SVG: lines with a dot and a
/// tooltip at every sample, a gap where a sample has no value.
struct LineChart {
    /// One line: a value per point in time (seconds since the start), nil for no value.
    struct Series {
        var name: String
        var points: [(seconds: Double, value: Double?)]
    }

    var frame: ChartFrame
    var unit: String
    var series: [Series]
    /// Logarithmic values (round trips); linear from zero otherwise.
    var logarithmic = false
    /// The end of the time axis; the last point when nil.
    var duration: Double?
    /// Said in the chart when no series has a value.
    var emptyMessage = "no samples"

    func svg() -> String {
        let values = series.flatMap { $0.points.compactMap(\.value) }
        guard !values.isEmpty else { return frame.empty(emptyMessage) }
        let valueScale = logarithmic ? ChartScale.logarithmic(values) : ChartScale.linear(maximum: values.max()!)
        let end = max(duration ?? 0, series.flatMap { $0.points.map(\.seconds) }.max() ?? 0, 1)
        let timeScale = ChartScale.time(maximum: end)
        var svg = frame.open() + frame.valueGrid(valueScale, unit: unit) + frame.timeAxis(timeScale)
        svg += frame.legend(series.enumerated().map { ($0.element.name, ChartPalette.color($0.offset)) })
        for (index, line) in series.enumerated() {
            let color = ChartPalette.color(index)
            // A gap splits the line: no value is not the same as zero.
            var runs: [[(Double, Double)]] = [[]]
            var dots = ""
            for point in line.points {
                guard let value = point.value else {
                    if !runs[runs.count - 1].isEmpty { runs.append([]) }
                    continue
                }
                let x = frame.x(timeScale.fraction(point.seconds))
                let y = frame.y(valueScale.fraction(value))
                runs[runs.count - 1].append((x, y))
                let tooltip = "\(line.name) at \(ReportFormat.elapsed(point.seconds)): \(ReportFormat.number(value)) \(unit)"
                dots += "<circle cx=\"\(ChartFrame.number(x))\" cy=\"\(ChartFrame.number(y))\" r=\"2.5\" fill=\"\(color)\"><title>\(HTML.escape(tooltip))</title></circle>"
            }
            for run in runs where !run.isEmpty {
                let points = run.map { "\(ChartFrame.number($0.0)),\(ChartFrame.number($0.1))" }.joined(separator: " ")
                svg += "<polyline class=\"line\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>"
            }
            svg += dots
        }
        return svg + "</svg>"
    }
}
