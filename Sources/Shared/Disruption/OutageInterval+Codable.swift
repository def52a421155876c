import Foundation

/// In the status: times as RFC 3339 with microseconds (`2026-12-01T13:20:05.123456Z`),
/// durations in milliseconds, causes by name; absent counts are zero.
extension OutageInterval: Codable {
    enum CodingKeys: String, CodingKey {
        case start, end, durationMilliseconds, outages, longestOutageMilliseconds, causes, peers
        case reconnects, connectAttempts, longestReconnectMilliseconds, ongoing
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.timeText(start), forKey: .start)
        try container.encode(Self.timeText(end), forKey: .end)
        try container.encode(Self.milliseconds(duration), forKey: .durationMilliseconds)
        try container.encode(outages, forKey: .outages)
        try container.encode(Self.milliseconds(longestOutage), forKey: .longestOutageMilliseconds)
        try container.encode(Dictionary(uniqueKeysWithValues: causes.map { ($0.key.rawValue, $0.value) }), forKey: .causes)
        if !peers.isEmpty { try container.encode(peers, forKey: .peers) }
        if reconnects > 0 { try container.encode(reconnects, forKey: .reconnects) }
        if connectAttempts > 0 { try container.encode(connectAttempts, forKey: .connectAttempts) }
        try container.encodeIfPresent(longestReconnect.map(Self.milliseconds), forKey: .longestReconnectMilliseconds)
        if ongoing { try container.encode(true, forKey: .ongoing) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let start = try Self.time(container, .start)
        let end = try Self.time(container, .end)
        self.init(start: start, end: end, cause: .other, peer: nil)
        var causes: [FlowFailureReason: Int64] = [:]
        for (name, count) in try container.decodeIfPresent([String: Int64].self, forKey: .causes) ?? [:] {
            // A cause this version does not know (a newer agent) still counts, as "other".
            causes[FlowFailureReason(rawValue: name) ?? .other, default: 0] += count
        }
        self.causes = causes
        outages = try container.decodeIfPresent(Int64.self, forKey: .outages) ?? 1
        longestOutage = try Self.nanoseconds(container.decodeIfPresent(Double.self, forKey: .longestOutageMilliseconds)) ?? duration
        peers = try container.decodeIfPresent([String].self, forKey: .peers) ?? []
        reconnects = try container.decodeIfPresent(Int64.self, forKey: .reconnects) ?? 0
        connectAttempts = try container.decodeIfPresent(Int64.self, forKey: .connectAttempts) ?? 0
        longestReconnect = try Self.nanoseconds(container.decodeIfPresent(Double.self, forKey: .longestReconnectMilliseconds))
        ongoing = try container.decodeIfPresent(Bool.self, forKey: .ongoing) ?? false
    }

    /// RFC 3339 with microseconds, from nanoseconds since the epoch; the fraction is written
    /// from integers, so it is never off by a rounding of a Double.
    public static func timeText(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let whole = seconds.remainder < 0 ? seconds.quotient - 1 : seconds.quotient
        let microseconds = (nanoseconds - whole * 1_000_000_000) / 1000
        let digits = String(microseconds)
        return Date(timeIntervalSince1970: TimeInterval(whole)).ISO8601Format().dropLast() + "."
            + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    /// Nanoseconds since the epoch from RFC 3339 with up to nine fractional digits.
    public static func nanoseconds(fromTimeText text: String) -> Int64? {
        guard text.hasSuffix("Z") else { return nil }
        let body = text.dropLast()
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = try? Date.ISO8601FormatStyle().parse(String(parts[0]) + "Z") else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...9).contains(digits.count), digits.allSatisfy(\.isASCII), let value = Int64(digits) else { return nil }
            fraction = value * Int64(pow(10, Double(9 - digits.count)))
        }
        return Int64(whole.timeIntervalSince1970) * 1_000_000_000 + fraction
    }

    /// Nanoseconds as milliseconds, as the status writes durations.
    public static func milliseconds(_ nanoseconds: Int64) -> Double {
        Double(nanoseconds) / 1e6
    }

    private static func nanoseconds(_ milliseconds: Double?) -> Int64? {
        milliseconds.map { Int64(($0 * 1e6).rounded()) }
    }

    private static func time(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int64 {
        let text = try container.decode(String.self, forKey: key)
        guard let value = nanoseconds(fromTimeText: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "expected an RFC 3339 time in UTC such as 2026-12-01T13:20:05.123456Z, got \(text)")
        }
        return value
    }
}
