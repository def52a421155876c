import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// The marks as the wire has them: tshark (Debian, installed by .ci/run) captures a local run on
/// loopback, and every IP header to and from the echo ports must carry the DSCP, and every IPv6
/// header of the generators the SciTag, whatever our own code believes it set.
@Suite("Marking on the wire: tshark reads the IP headers", .serialized, .timeLimit(.minutes(3)))
struct MarkingWireTests {
    static let tag = SciTag(experiment: 300, activity: 17)

    /// One captured packet: IP version, DSCP, flow label (IPv6), source and destination port.
    struct Packet {
        var ipv6: Bool
        var dscp: Int
        var flowLabel: UInt32?
        var sourcePort: Int
        var destinationPort: Int
        var udp: Bool
    }

    @Test func everyPacketCarriesTheMarks() async throws {
        let (tcpPort, udpPort) = (try await FreePort.tcp(), try await FreePort.tcp())
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("marking-\(UUID().uuidString).pcapng").path
        let filter = "tcp port \(tcpPort) or udp port \(udpPort)"
        // dumpcap itself (tshark's capture engine, which tshark would run as a child holding our
        // pipes): it writes the file's header once it captures, and from then on nothing is missed.
        // Children of this process inherit its threads' blocked signals, so SIGTERM would stay
        // pending for ever: python3 unblocks them before it becomes dumpcap.
        let unblocked = "import os, signal; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp('dumpcap', ['dumpcap'] + os.sys.argv[1:])"
        let dumpcap = try AgentProcess(
            ["python3", "-c", unblocked, "-i", "lo", "-n", "-q", "-f", filter, "-w", capture], executable: URL(fileURLWithPath: "/usr/bin/env"))
        let deadline = ContinuousClock.now + .seconds(60)
        while Self.size(of: capture) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.size(of: capture) > 0, "dumpcap did not start capturing within a minute")
        let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("marking-\(UUID().uuidString).yaml").path
        try """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: wire}
            spec:
              duration: 2s
              flows: {rate: 20, pattern: constant, maxConcurrent: 8, messageInterval: 50ms, marking: {dscp: AF41, scitag: {experiment: 300, activity: 17}}}
              ports: {tcp: [\(tcpPort)], udp: [\(udpPort)]}
              target: {ipFamilies: [IPv6, IPv4]}
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let run = try await AgentProcess.run(["run", manifest, "-o", "json", "--quiet"])
        // On a loaded machine dumpcap reads behind the wire, and what it has not read when it is
        // stopped is lost without being counted as dropped (the last exchange of all 8 flows, CI
        // saw): stop it once its file has stopped growing.
        var (previous, still) = (Self.size(of: capture), 0)
        let settled = ContinuousClock.now + .seconds(15)
        while still < 3, ContinuousClock.now < settled {
            try await Task.sleep(for: .milliseconds(200))
            let now = Self.size(of: capture)
            (still, previous) = (now == previous ? still + 1 : 0, now)
        }
        let captured = await Self.stop(dumpcap)
        #expect(run.code == 0, "\(run.err.suffix(2000))")
        #expect(captured.code == 0, "\(captured.err.suffix(2000))")

        let read = try await AgentProcess.runTool("tshark", [
            "-r", capture, "-n", "-T", "fields", "-E", "separator=,", "-e", "ipv6.tclass.dscp", "-e", "ip.dsfield.dscp", "-e", "ipv6.flow",
            "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
        ])
        #expect(read.code == 0, "\(read.err.suffix(2000))")
        let packets = read.out.split(separator: "\n").compactMap(Self.packet)
        let requests = packets.filter { $0.destinationPort == tcpPort || $0.destinationPort == udpPort }
        let replies = packets.filter { $0.sourcePort == tcpPort || $0.sourcePort == udpPort }
        // Both families and both transports were on the wire, both ways.
        for (ipv6, udp) in [(true, true), (true, false), (false, true), (false, false)] {
            #expect(requests.contains { $0.ipv6 == ipv6 && $0.udp == udp }, "no \(ipv6 ? "IPv6" : "IPv4") \(udp ? "UDP" : "TCP") request captured")
            #expect(replies.contains { $0.ipv6 == ipv6 && $0.udp == udp }, "no \(ipv6 ? "IPv6" : "IPv4") \(udp ? "UDP" : "TCP") reply captured")
        }
        // Every packet both ways carries AF41 (34): the generator marks its sockets, the echo its listeners.
        let wrongClass = packets.filter { $0.dscp != 34 }
        #expect(wrongClass.isEmpty, "\(wrongClass.count) of \(packets.count) packets without DSCP 34, e.g. \(wrongClass.prefix(3))")
        // Every IPv6 packet of the generators carries the SciTag in its flow label, and the labels
        // differ between flows (their random bits).
        let labels = requests.filter(\.ipv6).compactMap(\.flowLabel)
        #expect(labels.count == requests.filter(\.ipv6).count)
        let untagged = labels.filter { !Self.tag.matches(label: $0) }
        #expect(untagged.isEmpty, "\(untagged.count) of \(labels.count) IPv6 requests without the tag, e.g. \(untagged.prefix(3).map { String($0, radix: 16) })")
        #expect(Set(labels).count > 1)

        // The echo's figures agree with the wire: every UDP request captured was judged marked.
        let summary = try #require(try LocalRunOutput.status(run.out).summary)
        let marking = try #require(summary.marking)
        let udpRequests = UInt64(requests.filter(\.udp).count)
        // A capture on a loaded machine may also drop packets, and dumpcap says how many: those
        // are datagrams the echo judged that the wire's count lacks.
        let dropped = Self.dropped(captured.err)
        #expect(
            marking.udp.marked >= udpRequests && marking.udp.marked <= udpRequests + dropped,
            "echo \(marking.udp), wire \(udpRequests) UDP requests, \(dropped) dropped by the capture: \(captured.err.suffix(300))")
        #expect(marking.udp.remarked + marking.udp.unmarked + marking.tcp.remarked + marking.tcp.unmarked == 0)
        #expect(marking.tcp.marked == UInt64(summary.tcpFlowsStarted))
    }

    /// The packets dumpcap says it dropped ("received/dropped on interface 'lo': 296/0").
    static func dropped(_ report: String) -> UInt64 {
        guard let line = report.split(separator: "\n").first(where: { $0.contains("received/dropped") }),
            let counts = line.split(separator: ":").last?.split(separator: " ").first?.split(separator: "/"), counts.count == 2
        else { return 0 }
        return UInt64(counts[1]) ?? 0
    }

    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Stops a capture: SIGTERM (dumpcap writes its last packets and exits), and SIGKILL if it is
    /// still there 30 seconds later, so the test never waits for ever.
    static func stop(_ capture: AgentProcess) async -> (code: Int32, out: String, err: String) {
        capture.signal(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while capture.process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if capture.process.isRunning { capture.signal(SIGKILL) }
        return await capture.finish()
    }

    /// A line of `tshark -T fields`: IPv6 DSCP, IPv4 DSCP, flow label, TCP ports, UDP ports.
    static func packet(_ line: Substring) -> Packet? {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else { return nil }
        let ipv6 = !fields[0].isEmpty
        guard let dscp = Int(ipv6 ? fields[0] : fields[1]) else { return nil }
        let label = fields[2].hasPrefix("0x") ? UInt32(fields[2].dropFirst(2), radix: 16) : nil
        let udp = !fields[5].isEmpty
        guard let source = Int(udp ? fields[5] : fields[3]), let destination = Int(udp ? fields[6] : fields[4]) else { return nil }
        return Packet(ipv6: ipv6, dscp: dscp, flowLabel: label, sourcePort: source, destinationPort: destination, udp: udp)
    }
}
