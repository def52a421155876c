import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Holding as many connections as the descriptor limit allows: 20,000 per process on these
/// machines, so a generator process and an echo process each hold 18,500 (the rest is reserve).
@Suite("Many concurrent flows", .serialized)
struct ConcurrencyTests {
    /// Asserts what holds however slow the machine is: every one of the 18,500 flows connects and
    /// is held open at once, and none fails. Flows live far longer than it can take to open them
    /// all; the test stops the generator (SIGTERM ends open flows as completed) once the echo
    /// holds every connection, so on a quiet machine it takes about 19 s and on a busy one longer,
    /// never a different answer. How fast connections open is a benchmark's business.
    @Test(.timeLimit(.minutes(5))) func echoAndGeneratorHoldEighteenThousandFiveHundredConnections() async throws {
        let flows = 18_500
        let port = try await FreePort.tcp()
        let metricsPort = try await FreePort.tcp()
        let echo = try AgentProcess([
            "echo", "--tcp-ports", String(port), "--udp-ports", "", "--metrics-port", String(metricsPort),
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        let baselineRSS = try ResidentMemory.kibibytes(of: echo.process.processIdentifier)
        // Random pattern with every lifetime 10 minutes: nothing ends before the test stops it,
        // and flowCount stops the starts at exactly 18,500. Timeouts are generous: a busy machine
        // may take seconds to accept a connection or answer one echo, which is not a failure.
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(port), "--protocol", "tcp", "--metrics-port", "0",
            "--pattern", "random", "--rate", "1000", "--max-concurrent", String(flows), "--flow-count", String(flows),
            "--min-duration", "10m", "--max-duration", "10m", "--message-interval", "30s",
            "--response-timeout", "60s", "--connect-timeout", "60s",
        ])
        var peak = 0.0
        var rssAtPeak = 0
        // Bounded: a machine that cannot open 18,500 connections in 4 minutes fails with what it held.
        let deadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < deadline, peak < Double(flows) {
            try await Task.sleep(for: .milliseconds(250))
            guard let body = try? await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/metrics").body,
                let active = PrometheusText(body).value("flowtest_echo_connections_active", ["protocol": "tcp"])
            else { continue }
            if active > peak {
                peak = active
                rssAtPeak = (try? ResidentMemory.kibibytes(of: echo.process.processIdentifier)) ?? 0
            }
        }
        generator.signal(SIGTERM)
        let result = await generator.finish()
        echo.signal(SIGTERM)
        _ = await echo.finish()
        #expect(peak == Double(flows), "the echo held \(peak) connections at most")
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let summary = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let counters = (summary["total"] as! [String: Any])["counters"] as! [String: Any]
        #expect(counters["flowsStarted"] as? Int == flows, "\(counters)")
        #expect(counters["flowsFailed"] as? Int == 0, "\(counters)\n\(result.err.suffix(1500))")
        #expect((summary["peakActiveFlows"] as! Int) == flows)
        let perConnection = Double(rssAtPeak - baselineRSS) * 1024 / max(peak, 1)
        print("echo held \(Int(peak)) connections; resident memory \(baselineRSS) KiB → \(rssAtPeak) KiB, \(Int(perConnection)) bytes per connection")
    }
}

/// Reads a process's resident set size from /proc.
enum ResidentMemory {
    static func kibibytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
