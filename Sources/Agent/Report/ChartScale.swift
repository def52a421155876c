import Foundation

/// Maps values onto one axis of a chart, with ticks at round values: linear from zero, or
/// logarithmic in decades for round trips, where a p99 a thousand times the median is normal.
struct ChartScale {
    let lower: Double
    let upper: Double
    let logarithmic: Bool
    let ticks: [Double]

    /// A linear scale from 0 to a round value at or above `maximum`.
    static func linear(maximum: Double) -> ChartScale {
        let top = maximum > 0 && maximum.isFinite ? maximum : 1
        let step = niceStep(top / 5)
        let upper = (top / step).rounded(.up) * step
        let ticks = stride(from: 0, through: upper + step / 2, by: step).map { $0 }
        return ChartScale(lower: 0, upper: upper, logarithmic: false, ticks: ticks)
    }

    /// A time axis in seconds that ends where the run ended, with ticks at round seconds,
    /// minutes or hours (the units `ReportFormat.elapsed` writes).
    static func time(maximum: Double) -> ChartScale {
        let end = maximum > 0 && maximum.isFinite ? maximum : 1
        let unit: Double = end < 180 ? 1 : end < 7200 ? 60 : 3600
        let step = niceStep(end / unit / 6) * unit
        return ChartScale(lower: 0, upper: end, logarithmic: false, ticks: stride(from: 0, through: end, by: step).map { $0 })
    }

    /// A logarithmic scale over whole decades that hold `values` (all above zero).
    static func logarithmic(_ values: [Double]) -> ChartScale {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let smallest = positive.min(), let largest = positive.max() else { return linear(maximum: 1) }
        let low = floor(log10(smallest))
        let high = max(low + 1, ceil(log10(largest)))
        let ticks = stride(from: low, through: high, by: 1).map { pow(10, $0) }
        return ChartScale(lower: pow(10, low), upper: pow(10, high), logarithmic: true, ticks: ticks)
    }

    /// Where `value` falls, from 0 (lower) to 1 (upper).
    func fraction(_ value: Double) -> Double {
        if logarithmic {
            return (log10(max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return upper == lower ? 0 : (value - lower) / (upper - lower)
    }

    /// 1, 2 or 5 times a power of ten, the nearest at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0 else { return 1 }
        let power = pow(10, floor(log10(rough)))
        let mantissa = rough / power
        return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power
    }
}
