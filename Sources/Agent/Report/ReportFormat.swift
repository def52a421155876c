import Foundation

/// How a report writes numbers: units always, as few digits as carry meaning.
enum ReportFormat {
    /// `12,345`: counts with thousands separated.
    static func count<Number: BinaryInteger>(_ value: Number) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Three significant digits at most, no trailing zeros: `0.143`, `12.5`, `1234`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 || magnitude == 0 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func milliseconds(_ value: Double?) -> String {
        value.map { "\(number($0)) ms" } ?? "-"
    }

    static func percent(_ value: Double?) -> String {
        value.map { "\(number($0)) %" } ?? "-"
    }

    /// `4.2 Mbit/s`, scaled to k, M or G.
    static func bitsPerSecond(_ value: Double?) -> String {
        guard let value else { return "-" }
        return scaled(value, units: ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"])
    }

    static func bytes<Number: BinaryInteger>(_ value: Number) -> String {
        scaled(Double(value), units: ["B", "kB", "MB", "GB", "TB"])
    }

    /// An axis label: `950`, `1.5k`, `2M`.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        for (limit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            return number(value / limit) + suffix
        }
        return number(value)
    }

    /// Seconds since the test's start as an axis label: `45 s`, `2 m`, `1 h 30 m`.
    static func elapsed(_ seconds: Double) -> String {
        if seconds < 180 { return "\(number(seconds)) s" }
        if seconds < 7200 { return "\(number(seconds / 60)) m" }
        let minutes = Int((seconds / 60).rounded())
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) m"
    }

    private static func scaled(_ value: Double, units: [String]) -> String {
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return "\(number(scaled)) \(units[unit])"
    }
}
