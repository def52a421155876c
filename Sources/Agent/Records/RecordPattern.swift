/// A named kind of traffic, as synthetic flow records describe it: protocol, ports, packet counts
/// and sizes, duration and TCP flags. The table is in docs/records.md.
struct RecordPattern: Sendable {
    let name: String
    /// IANA protocol number: 6 TCP, 17 UDP; `random` draws one of the two per record.
    let protocolNumbers: [UInt8]
    /// Destination ports with their weights; empty means any port from 1 to 65535.
    let ports: [(port: UInt16, weight: UInt64)]
    let packets: ClosedRange<UInt64>
    let packetSize: ClosedRange<UInt64>
    let durationMilliseconds: ClosedRange<UInt64>
    /// The OR of the TCP flags a flow of this kind shows (0 for UDP); nil: random flags.
    let tcpFlags: UInt8?

    /// SYN, ACK, PSH and FIN: an ordinary connection that ended cleanly (nfdump shows `...AP.SF`).
    static let completeConnection: UInt8 = 0x1B

    static let all: [RecordPattern] = [
        RecordPattern(
            name: "web", protocolNumbers: [6], ports: [(443, 70), (80, 30)], packets: 8...400, packetSize: 64...1500,
            durationMilliseconds: 50...30_000, tcpFlags: completeConnection),
        RecordPattern(
            name: "dns", protocolNumbers: [17], ports: [(53, 1)], packets: 1...2, packetSize: 60...512,
            durationMilliseconds: 1...50, tcpFlags: 0),
        RecordPattern(
            name: "ssh", protocolNumbers: [6], ports: [(22, 1)], packets: 20...5000, packetSize: 64...1200,
            durationMilliseconds: 5_000...3_600_000, tcpFlags: completeConnection),
        RecordPattern(
            name: "database", protocolNumbers: [6], ports: [(3306, 30), (5432, 30), (27017, 20), (6379, 20)],
            packets: 4...200, packetSize: 64...1400, durationMilliseconds: 5...10_000, tcpFlags: completeConnection),
        RecordPattern(
            name: "smtp", protocolNumbers: [6], ports: [(25, 50), (587, 35), (465, 15)], packets: 10...300,
            packetSize: 64...1500, durationMilliseconds: 200...20_000, tcpFlags: completeConnection),
        RecordPattern(
            name: "ftp", protocolNumbers: [6], ports: [(21, 30), (20, 70)], packets: 10...20_000, packetSize: 64...1500,
            durationMilliseconds: 1_000...600_000, tcpFlags: completeConnection),
        RecordPattern(
            name: "random", protocolNumbers: [6, 17], ports: [], packets: 1...1000, packetSize: 40...1500,
            durationMilliseconds: 1...60_000, tcpFlags: nil),
    ]

    /// The pattern called `name`, if there is one.
    static func named(_ name: String) -> RecordPattern? {
        all.first { $0.name == name }
    }
}
