import Foundation

extension OutageInterval {
    /// One line for people: `13:19:34.540772 → 13:19:35.152484  611.7 ms  20 outages
    /// (refused 10, closed 5, reset 5)  10 reconnects, longest 603.7 ms  127.0.0.1:9401`.
    public var description: String {
        let clock = { (nanoseconds: Int64) in String(Self.timeText(nanoseconds).dropFirst(11).dropLast()) }
        var parts = [
            "\(clock(start)) → \(clock(end))\(ongoing ? " (ongoing)" : "")",
            String(format: "%.1f ms", Self.milliseconds(duration)),
            "\(outages) outage\(outages == 1 ? "" : "s") (" + causes.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + ")",
        ]
        if reconnects > 0 {
            parts.append("\(reconnects) reconnect\(reconnects == 1 ? "" : "s")" + (longestReconnect.map { String(format: ", longest %.1f ms", Self.milliseconds($0)) } ?? ""))
        }
        if !peers.isEmpty { parts.append(peers.joined(separator: " ")) }
        return parts.joined(separator: "  ")
    }
}
