import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// The built-in patterns' protocols as a dissector sees them: a local run of the real generator
/// and echo on the well-known ports, in a network namespace of its own (so nothing else on the
/// machine holds those ports or shows in the capture), captured by dumpcap (Debian's tshark,
/// installed by .ci/run) and read back by tshark.
@Suite("Protocols on the wire: tshark dissects each pattern as its protocol", .serialized, .timeLimit(.minutes(4)))
struct ProtocolWireTests {
    /// What each port's flows must show: tshark's name for the protocol spoken there.
    static let protocols: [(port: String, name: String)] = [
        ("tcp.port == 80", "http"), ("tcp.port == 443", "tls"), ("udp.port == 53", "dns"), ("tcp.port == 5432", "pgsql"),
        ("tcp.port == 6379", "resp"), ("tcp.port == 3306", "mysql"), ("tcp.port == 27017", "mongo"), ("tcp.port == 22", "ssh"),
        ("tcp.port == 25", "smtp"), ("tcp.port == 587", "smtp"), ("tcp.port == 465", "tls"), ("tcp.port == 21", "ftp"),
        ("tcp.port == 20", "ftp-data"),
    ]
    /// Each pattern's ports, for its bytes on the wire.
    static let patternPorts: [(pattern: String, transport: String, ports: [Int])] = [
        ("web", "tcp", [80, 443]), ("dns", "udp", [53]), ("database", "tcp", [5432, 6379, 3306, 27017]), ("ssh", "tcp", [22]),
        ("smtp", "tcp", [25, 587, 465]), ("ftp", "tcp", [21, 20]),
    ]
    static let captureFilter = patternPorts.flatMap { pattern in pattern.ports.map { "\(pattern.transport) port \($0)" } }.joined(separator: " or ")

    /// The run's status and the capture's path, from a run in a namespace of its own.
    static func captureRun(_ manifest: String) async throws -> (status: FlowTestStatus, capture: String) {
        let namespace = "ft-wire-\(UInt32.random(in: 0...UInt32.max))"
        let created = try await AgentProcess.runTool("ip", ["netns", "add", namespace])
        try #require(created.code == 0, "ip netns add: \(created.err)")
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/sbin/ip"), arguments: ["netns", "delete", namespace]).waitUntilExit() }
        #expect(try await AgentProcess.runTool("ip", ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).code == 0)
        let directory = FileManager.default.temporaryDirectory
        let capture = directory.appendingPathComponent("protocols-\(UUID().uuidString).pcapng").path
        let path = directory.appendingPathComponent("protocols-\(UUID().uuidString).yaml").path
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // As in MarkingWireTests: python3 unblocks the signals this process's threads block,
        // then becomes dumpcap, so SIGTERM ends the capture.
        let unblocked = "import os, signal; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp('dumpcap', ['dumpcap'] + os.sys.argv[1:])"
        let dumpcap = try AgentProcess(
            ["netns", "exec", namespace, "python3", "-c", unblocked, "-i", "lo", "-B", "64", "-n", "-q", "-f", captureFilter, "-w", capture],
            executable: URL(fileURLWithPath: "/usr/sbin/ip"))
        let deadline = ContinuousClock.now + .seconds(60)
        while MarkingWireTests.size(of: capture) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(MarkingWireTests.size(of: capture) > 0, "dumpcap did not start capturing within a minute")
        let run = try await AgentProcess.runTool("ip", ["netns", "exec", namespace, AgentProcess.executable.path, "run", path, "-o", "json", "--quiet"])
        // Packets still in the kernel's capture buffer at SIGTERM would be lost without a drop
        // counted: dumpcap gets a second to read the run's last ones.
        try await Task.sleep(for: .seconds(1))
        let captured = await MarkingWireTests.stop(dumpcap)
        #expect(run.code == 0, "\(run.err.suffix(3000))")
        #expect(captured.code == 0, "\(captured.err.suffix(2000))")
        // The byte counts below compare with the status: the capture must have every packet.
        #expect(captured.err.contains("dropped on interface 'Loopback: lo': ") && captured.err.contains("/0 (pcap:0/dumpcap:0/"), "\(captured.err.suffix(500))")
        return (try LocalRunOutput.status(run.out), capture)
    }

    /// tshark's output for `filter` over the capture: one line per packet of `fields`.
    static func tshark(_ capture: String, _ filter: String, _ fields: [String]) async throws -> [String] {
        // Loopback on several cores captures some segments out of order: tshark reassembles them.
        // tshark takes 27017 for MongoDB over TLS unless told it is MongoDB's plain wire protocol.
        let read = try await AgentProcess.runTool(
            "tshark",
            ["-r", capture, "-n", "-2", "-o", "tcp.reassemble_out_of_order:TRUE", "-d", "tcp.port==27017,mongo", "-Y", filter, "-T", "fields"]
                + fields.flatMap { ["-e", $0] })
        #expect(read.code == 0, "tshark -Y \(filter): \(read.err.suffix(1000))")
        return read.out.split(separator: "\n").map(String.init)
    }

    /// Payload bytes of the packets that match `filter`: UDP's datagrams, and for TCP each
    /// stream's highest sequence number, so a retransmitted segment (a loaded machine's, even on
    /// loopback) or one captured out of order counts once, as the application wrote it.
    static func payloadBytes(_ capture: String, _ filter: String) async throws -> Int64 {
        let lines = try await tshark(capture, "(\(filter)) && (tcp.len > 0 || udp)", ["tcp.stream", "tcp.seq", "tcp.len", "udp.length"])
        var streamEnds: [String: Int64] = [:]
        var datagrams: Int64 = 0
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { continue }
            if let length = Int64(fields[3]) {
                datagrams += length - 8
            } else if let sequence = Int64(fields[1]), let length = Int64(fields[2]) {
                // Relative sequence numbers start at 1 after the SYN.
                streamEnds[fields[0]] = max(streamEnds[fields[0]] ?? 0, sequence + length - 1)
            }
        }
        return datagrams + streamEnds.values.reduce(0, +)
    }

    @Test func everyPatternIsDissectedAsItsProtocolWithTheNamesGiven() async throws {
        let (status, capture) = try await Self.captureRun("""
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: wire}
            spec:
              duration: 3s
              flows:
                pattern: constant
                rate: 50
                maxConcurrent: 80
                messageInterval: 20ms
                mix:
                  - {pattern: web, weight: 3}
                  - {pattern: dns, weight: 1}
                  - {pattern: database, weight: 3}
                  - {pattern: ssh, weight: 1, messages: {min: 2, max: 5}}
                  - {pattern: smtp, weight: 2, ports: [25, 587, 465]}
                  - {pattern: ftp, weight: 2}
            """)
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let patterns = try #require(status.summary?.patterns)
        for (name, _, _) in Self.patternPorts {
            #expect((patterns[name]?.flowsCompleted ?? 0) > 0 && patterns[name]?.flowsFailed == 0, "\(name): \(String(describing: patterns[name]))")
        }
        // Nothing malformed, no expert errors, no warnings but TCP's own sequence analysis (a
        // retransmission, a D-SACK or a full window on a loaded machine is TCP's business).
        let experts = try await Self.tshark(capture, "_ws.malformed || _ws.expert", ["frame.number", "_ws.expert.severity", "_ws.expert.group", "_ws.expert.message"])
        let flagged = experts.filter { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.split(separator: ",").map(String.init) }
            guard fields.count == 4 else { return true }
            // Severity 0x00600000 is a warning, 0x00800000 an error; group 0x02000000 is Sequence.
            return zip(fields[1], fields[2]).contains { severity, group in (Int(severity) ?? 0) >= 0x0060_0000 && Int(group) != 0x0200_0000 }
        }
        #expect(flagged.isEmpty, "\(flagged.count) packets flagged, e.g. \(flagged.prefix(5))")
        #expect(try await Self.tshark(capture, "_ws.malformed", ["frame.number"]).isEmpty)
        // Every payload on a protocol's port is dissected as that protocol: none is left as data.
        for (port, name) in Self.protocols {
            let dissected = try await Self.tshark(capture, "\(port) && \(name)", ["frame.number"])
            #expect(dissected.count > 0, "no \(name) on \(port)")
            let undissected = try await Self.tshark(capture, "\(port) && (tcp.len > 0 || udp) && !\(name)", ["frame.number", "frame.protocols"])
            // A segment that only carries on a message is not dissected on its own; tshark names it
            // in the frame that ends the message. What must not appear is a payload left as data.
            let asData = undissected.filter { $0.hasSuffix(":data") }
            #expect(asData.isEmpty, "\(name): \(asData.count) payloads on \(port) left as data, e.g. \(asData.prefix(3))")
        }
        try await checkNames(capture)
        try await checkDialogues(capture, patterns)
        // The status's bytes are the wire's payload bytes, both ways, openings and goodbyes included.
        for (pattern, transport, ports) in Self.patternPorts {
            let sent = try await Self.payloadBytes(capture, ports.map { "\(transport).dstport == \($0)" }.joined(separator: " || "))
            let received = try await Self.payloadBytes(capture, ports.map { "\(transport).srcport == \($0)" }.joined(separator: " || "))
            #expect(sent == patterns[pattern]?.bytesSent, "\(pattern): \(sent) bytes sent on the wire")
            #expect(received == patterns[pattern]?.bytesReceived, "\(pattern): \(received) bytes received on the wire")
        }
    }

    /// Host and path, SNI, DNS question: the defaults, where L7 policies would match them.
    private func checkNames(_ capture: String) async throws {
        let http = try await Self.tshark(capture, "http.request", ["http.request.method", "http.host", "http.request.uri"])
        #expect(Set(http) == ["GET\twww.flowtest.example\t/flowtest"], "\(Set(http))")
        let responses = try await Self.tshark(capture, "http.response", ["http.response.code"])
        #expect(responses.count == http.count && Set(responses) == ["200"], "\(http.count) requests, responses \(Set(responses))")
        for port in [443, 465] {
            let sni = try await Self.tshark(capture, "tcp.port == \(port) && tls.handshake.type == 1", ["tls.handshake.extensions_server_name"])
            #expect(!sni.isEmpty && Set(sni) == ["www.flowtest.example"], "\(port): \(Set(sni))")
            let hellos = try await Self.tshark(capture, "tcp.port == \(port) && tls.handshake.type == 2", ["tls.handshake.extensions.supported_version"])
            #expect(hellos.count == sni.count && Set(hellos) == ["0x0304"], "\(port): \(hellos.count) ServerHellos for \(sni.count) ClientHellos")
        }
        let queries = try await Self.tshark(capture, "dns.flags.response == 0", ["dns.qry.name", "dns.qry.type"])
        let answers = try await Self.tshark(capture, "dns.flags.response == 1", ["dns.qry.name", "dns.flags.rcode", "dns.id"])
        #expect(Set(queries) == ["dns.flowtest.example\t16"], "\(Set(queries))")
        #expect(answers.count == queries.count && answers.allSatisfy { $0.hasPrefix("dns.flowtest.example\t0\t") }, "\(answers.prefix(3))")
    }

    /// Each protocol's dialogue as tshark reads it: the commands a client sends, and no refusals.
    private func checkDialogues(_ capture: String, _ patterns: [String: PatternSummary]) async throws {
        let sqlQueries = try await Self.tshark(capture, "pgsql.type == \"Simple query\"", ["pgsql.query"])
        #expect(!sqlQueries.isEmpty && sqlQueries.allSatisfy { $0.hasPrefix("SELECT repeat('x', ") }, "\(sqlQueries.prefix(2))")
        let mysqlQueries = try await Self.tshark(capture, "mysql.query", ["mysql.query"])
        #expect(!mysqlQueries.isEmpty && mysqlQueries.allSatisfy { $0.hasPrefix("SELECT REPEAT('x', ") }, "\(mysqlQueries.prefix(2))")
        #expect(try await Self.tshark(capture, "mysql.error_code", ["mysql.error_code"]).isEmpty)
        // tshark shows bulk strings' values in hex: 474554 is "GET".
        let gets = try await Self.tshark(capture, "tcp.dstport == 6379 && resp", ["resp.bulk_string.value"])
        #expect(gets.flatMap { $0.split(separator: ",") }.contains("474554"))
        #expect(try await Self.tshark(capture, "resp.error", ["resp.error"]).isEmpty)
        #expect(try await Self.tshark(capture, "tcp.dstport == 27017 && mongo.opcode == 2013", ["frame.number"]).count > 0)
        let kexInits = try await Self.tshark(capture, "ssh.message_code == 20", ["tcp.srcport"])
        #expect(kexInits.filter { $0 == "22" }.count == kexInits.filter { $0 != "22" }.count && !kexInits.isEmpty, "KEXINITs both ways")
        #expect(try await Self.tshark(capture, "ssh.message_code == 2", ["frame.number"]).count > 0)
        let smtp = Set(try await Self.tshark(capture, "smtp.req.command", ["smtp.req.command"]))
        #expect(smtp.isSuperset(of: ["EHLO", "MAIL", "RCPT", "DATA"]), "\(smtp)")
        let smtpCodes = try await Self.tshark(capture, "smtp.response.code", ["smtp.response.code"]).flatMap { $0.split(separator: ",") }
        #expect(!smtpCodes.isEmpty && smtpCodes.allSatisfy { ["220", "221", "250", "354"].contains($0) }, "\(Set(smtpCodes))")
        let ftp = Set(try await Self.tshark(capture, "ftp.request.command", ["ftp.request.command"]))
        #expect(ftp.isSuperset(of: ["USER", "PASS", "EPSV", "CWD"]), "\(ftp)")
        let ftpCodes = try await Self.tshark(capture, "ftp.response.code", ["ftp.response.code"])
        #expect(!ftpCodes.isEmpty && ftpCodes.allSatisfy { Int($0).map { $0 < 400 } ?? false }, "\(Set(ftpCodes))")
        #expect(Set(try await Self.tshark(capture, "ftp.epsv.port", ["ftp.epsv.port"])) == ["20"], "EPSV announces the data port")
    }
}
