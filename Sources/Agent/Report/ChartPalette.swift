/// The colours of a report's series: the Okabe–Ito palette, told apart with colour blindness too.
enum ChartPalette {
    static let colors = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#8C6D1F", "#444444"]

    static func color(_ index: Int) -> String {
        colors[index % colors.count]
    }

    /// Failures, outages and missed thresholds.
    static let bad = "#D55E00"
}
