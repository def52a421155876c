import Foundation

/// Parsers for the value syntaxes shared by flags, environment variables and YAML fields.
///
/// Each returns nil for anything it does not accept, so the caller can report the setting's name
/// together with what was expected.
public enum ValueParsers {
    /// `true`/`false` and their usual spellings.
    public static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// A whole number within `range`.
    public static func integer(in range: ClosedRange<Int>) -> @Sendable (String) -> Int? {
        { text in Int(text).flatMap { range.contains($0) ? $0 : nil } }
    }

    /// A finite number within `range`.
    public static func number(in range: ClosedRange<Double>) -> @Sendable (String) -> Double? {
        { text in
            guard let value = Double(text), value.isFinite, range.contains(value) else { return nil }
            return value
        }
    }

    /// A duration: `250ms`, `1.5s`, `2m`, `1h`, `10us`, or a plain number of seconds (as the seed
    /// flow generator took them). Negative durations are never accepted.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var number = Substring(text)
        var scale = 1.0
        // Longest suffixes first so "ms" is not read as "m" + "s".
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let seconds = value * scale
        guard seconds < 1e9 else { return nil }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A comma-separated list of distinct ports 1...65535; empty text means no ports.
    public static func portList(_ text: String) -> [Int]? {
        portList(text, allowingZero: false)
    }

    /// A port list in which 0 ("any free port", for listeners) may also appear, once.
    public static func portList(_ text: String, allowingZero: Bool) -> [Int]? {
        if text.isEmpty { return [] }
        var ports: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let port = Int(item.trimmingCharacters(in: .whitespaces)),
                (allowingZero ? 0 : 1)...65535 ~= port, !ports.contains(port)
            else { return nil }
            ports.append(port)
        }
        return ports
    }

    /// A TCP/UDP port, 0 meaning "any free port" (tests bind port 0 and read the real one back).
    public static func portOrZero(_ text: String) -> Int? {
        integer(in: 0...65535)(text)
    }

    /// One of the raw values of a `CaseIterable` string enum, case-insensitively.
    public static func choice<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> (String) -> Choice?
    where Choice.RawValue == String {
        { text in Choice.allCases.first { $0.rawValue == text.lowercased() } }
    }

    /// The accepted raw values of a choice, for error messages: "one of tcp, udp, both".
    public static func describeChoices<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> String
    where Choice.RawValue == String {
        "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

extension ValueParsers {
    /// A literal IPv4 or IPv6 address (no host names: a listener binds to an address).
    public static func ipAddress(_ text: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 { return text }
        return nil
    }

    /// A host name or literal address to send to: no spaces, no scheme, no port.
    public static func host(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 253, !text.contains(where: { $0.isWhitespace || $0 == "/" }) else { return nil }
        if ipAddress(text) != nil { return text }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
        return text.allSatisfy(allowed.contains) ? text : nil
    }
}

extension Duration {
    /// The duration as floating-point seconds.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration the way users write it in flags and YAML: `5s`, `250ms`, `1.5s`, `40us`.
    public var flowTestText: String {
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        if nanoseconds % 1_000 == 0 { return "\(nanoseconds / 1_000)us" }
        return "\(nanoseconds)ns"
    }
}
