import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `flowtest-agent records`: the records follow their config (shares, subnets, bandwidth-timed
/// starts), every format parses back, the same seed gives the same bytes, and a bad config gets
/// errors naming its fields.
@Suite("Synthetic flow records")
struct RecordsTests {
    static let config = """
        records: 200000
        bandwidth: 10000000000
        start: "2026-12-01T23:59:59.5Z"
        seed: 7
        patterns: [{pattern: web, weight: 40}, {pattern: dns, weight: 30}, {pattern: database, weight: 20}, {pattern: random, weight: 10}]
        sources: [{subnet: 10.1.0.0/16, weight: 60}, {subnet: "2001:db8:1::/48", weight: 40}]
        destinations: [{subnet: 192.168.7.0/24, weight: 75}, {subnet: "2001:db8:2::/64", weight: 25}]
        """

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func records(_ text: String = config) throws -> [FlowRecord] {
        var generator = RecordGenerator(try RecordsConfig.load(try file(text)))
        var all: [FlowRecord] = []
        while let record = generator.next() { all.append(record) }
        return all
    }

    @Test func sharesSubnetsPortsAndTimestampsFollowTheConfig() throws {
        let all = try Self.records()
        #expect(all.count == 200_000)
        let names = RecordPattern.all.map(\.name)
        let share = { (name: String) in Double(all.filter { names[$0.pattern] == name }.count) / Double(all.count) * 100 }
        // 200,000 draws: one percentage point is more than ten standard deviations.
        for (name, percent) in [("web", 40.0), ("dns", 30.0), ("database", 20.0), ("random", 10.0)] {
            #expect(abs(share(name) - percent) < 1, "\(name): \(share(name)) %")
        }
        let v6 = Double(all.filter(\.isIPv6).count) / Double(all.count) * 100
        #expect(abs(v6 - 40) < 1, "IPv6 sources: \(v6) %")
        let v4Sources = Subnet("10.1.0.0/16")!, v6Sources = Subnet("2001:db8:1::/48")!
        let v4Destinations = Subnet("192.168.7.0/24")!, v6Destinations = Subnet("2001:db8:2::/64")!
        for record in all {
            let (source, destination) = record.isIPv6 ? (v6Sources, v6Destinations) : (v4Sources, v4Destinations)
            #expect(source.address(random: record.sourceAddress) == record.sourceAddress, "source outside its subnet")
            #expect(destination.address(random: record.destinationAddress) == record.destinationAddress, "destination outside its subnet")
            let pattern = RecordPattern.all[record.pattern]
            if !pattern.ports.isEmpty { #expect(pattern.ports.contains { $0.port == record.destinationPort }) }
            #expect(pattern.protocolNumbers.contains(record.protocolNumber))
            #expect(pattern.packets.contains(record.packets))
            #expect(record.endNanoseconds > record.startNanoseconds)
        }
        // Each start is the first record's plus all earlier records' bytes at 10 Gbit/s, to the nanosecond.
        let start = all[0].startNanoseconds
        var bits: UInt64 = 0
        for record in all {
            #expect(record.startNanoseconds == start + Int64(UInt128(bits) * 1_000_000_000 / 10_000_000_000))
            bits += record.bytes * 8
        }
        // 443 is 70 % of the web flows.
        let web = all.filter { names[$0.pattern] == "web" }
        let https = Double(web.filter { $0.destinationPort == 443 }.count) / Double(web.count) * 100
        #expect(abs(https - 70) < 1.5, "443: \(https) %")
    }

    @Test func theExampleConfigIsValidAndMixesBothFamilies() throws {
        let path = RepositoryFile.root.appendingPathComponent("examples/records/mixed.yaml").path
        var generator = RecordGenerator(try RecordsConfig.load(path))
        var families = Set<Bool>()
        for _ in 0..<1000 {
            let record = generator.next()
            families.insert(try #require(record).isIPv6)
        }
        #expect(families == [false, true])
    }

    @Test func aSpanStopsAtItsEnd() throws {
        let all = try Self.records(Self.config.replacingOccurrences(of: "records: 200000", with: "span: 2ms"))
        let start = all[0].startNanoseconds
        #expect(!all.isEmpty && all.allSatisfy { $0.startNanoseconds < start + 2_000_000 })
        let last = all.last!
        #expect(last.startNanoseconds + Int64(last.bytes * 8 * 1_000_000_000 / 10_000_000_000) >= start + 2_000_000 - 1)
    }

    /// The real binary: each format parses back with the count the summary states, addresses and
    /// times parse as what they claim to be, and the same seed gives identical bytes.
    @Test(arguments: RecordFormat.allCases)
    func everyFormatParsesBackAndASeedRepeatsItself(format: RecordFormat) async throws {
        let path = try Self.file(Self.config.replacingOccurrences(of: "records: 200000", with: "records: 2000"))
        let first = try await AgentProcess.run(["records", path, "--format", format.rawValue])
        let second = try await AgentProcess.run(["records", path, "--format", format.rawValue])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out == second.out && !first.out.isEmpty)
        #expect(first.err.contains("records: 2000 records, \(first.out.utf8.count) bytes"), "\(first.err)")
        var rows: [(start: String, source: String, destination: String)] = []
        switch format {
        case .csv:
            let lines = first.out.split(separator: "\n").map(String.init)
            #expect(lines[0] == "ts,te,td,sa,da,sp,dp,pr,flg,ipkt,ibyt,pattern")
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(fields.count == 12, "\(line)")
                rows.append((fields[0], fields[3], fields[4]))
            }
        case .jsonl, .json:
            let objects: [[String: Any]]
            if format == .json {
                objects = try #require(try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [[String: Any]])
            } else {
                objects = try first.out.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            }
            for object in objects {
                #expect(Set(object.keys) == ["time_flow_start_ns", "time_flow_end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "tcp_flags", "packets", "bytes", "pattern"])
                rows.append(("\(object["time_flow_start_ns"]!)", "\(object["src_addr"]!)", "\(object["dst_addr"]!)"))
            }
        }
        #expect(rows.count == 2000)
        let expected = try Self.records(Self.config.replacingOccurrences(of: "records: 200000", with: "records: 2000"))
        for (row, record) in zip(rows, expected) {
            for text in [row.source, row.destination] {
                var buffer = [UInt8](repeating: 0, count: 16)
                #expect(inet_pton(record.isIPv6 ? AF_INET6 : AF_INET, text, &buffer) == 1, "\(text) is not an address")
            }
            if format == .csv {
                // RFC 3339 with nanoseconds: the same instant as the record's.
                let seconds = record.startNanoseconds / 1_000_000_000
                let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
                #expect(row.start == date.dropLast() + String(format: ".%09lldZ", record.startNanoseconds % 1_000_000_000), "\(row.start)")
            } else {
                #expect(row.start == String(record.startNanoseconds))
            }
        }
    }

    @Test func ipv6AddressesAreWrittenAsRFC5952Says() async throws {
        let path = try Self.file("""
            records: 3
            bandwidth: 1000
            start: "2026-12-01T00:00:00Z"
            patterns: [{pattern: dns, weight: 100}]
            sources: [{subnet: "2001:db8::1/128", weight: 100}]
            destinations: [{subnet: "::/128", weight: 100}]
            """)
        let result = try await AgentProcess.run(["records", path, "--format", "csv"])
        let fields = result.out.split(separator: "\n")[1].split(separator: ",")
        #expect(fields[3] == "2001:db8::1" && fields[4] == "::", "\(result.out)")
    }

    @Test(arguments: [
        ("records: 10\nspan: 1s\n", "records: Invalid value"),
        ("records: 10\nspeed: 3\n", "speed: "),
        ("records: 10\n", "patterns: Invalid value"),
        ("records: 10\nsubnetsBad: 1\n", "subnetsBad"),
    ])
    func badConfigsNameTheirField(extra: String, expected: String) async throws {
        var text = "bandwidth: 1000000\nstart: \"2026-12-01T00:00:00Z\"\nsources: [{subnet: 10.0.0.0/8, weight: 100}]\ndestinations: [{subnet: 10.0.0.0/8, weight: 100}]\n"
        text += extra.contains("patterns") || expected.hasPrefix("patterns") ? "patterns: [{pattern: web, weight: 60}]\n" : "patterns: [{pattern: web, weight: 100}]\n"
        text += extra
        let path = try Self.file(text)
        let result = try await AgentProcess.run(["records", path])
        #expect(result.code == 2)
        #expect(result.err.contains("flowtest-agent: error: \(path): \(expected)"), "\(result.err)")
        #expect(result.out.isEmpty)
    }

    @Test func subnetsFamiliesAndTimesAreChecked() throws {
        let base = Self.config
        let cases = [
            (base.replacingOccurrences(of: "192.168.7.0/24", with: "192.168.7.0/33"), "destinations[0].subnet: Invalid value: \"192.168.7.0/33\""),
            (base.replacingOccurrences(of: "10.1.0.0/16", with: "10.1.0/16"), "sources[0].subnet"),
            (base.replacingOccurrences(of: "{subnet: \"2001:db8:2::/64\", weight: 25}", with: "{subnet: \"2001:db8:2::/64\", weight: 0}").replacingOccurrences(of: "weight: 75", with: "weight: 100"), "destinations: Invalid value: no IPv6 subnet"),
            (base.replacingOccurrences(of: "2026-12-01T23:59:59.5Z", with: "2026-13-01T00:00:00Z"), "start: Invalid value"),
            (base.replacingOccurrences(of: "pattern: web", with: "pattern: gopher"), "patterns[0].pattern: Unsupported value: \"gopher\""),
        ]
        for (text, expected) in cases {
            let path = try Self.file(text)
            #expect(throws: RecordsConfigError.self) { try RecordsConfig.load(path) }
            do { _ = try RecordsConfig.load(path) } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }
}
