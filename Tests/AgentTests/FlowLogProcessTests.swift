import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// The flow log of real agent processes on loopback: every flow exactly once at each end, in
/// every format, and one-line errors for what cannot work.
@Suite("Flow log: real generator, echo and local runs", .serialized, .timeLimit(.minutes(3)))
struct FlowLogProcessTests {
    private static let decoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flowlog-\(UUID())-\(name)").path
    }

    private func records(at path: String) throws -> [FlowLogRecord] {
        try FlowLogRecordReader.read(String(contentsOfFile: path, encoding: .utf8), source: path).records
    }

    /// Checks that the generator's records are its flows, each once, and that every flow that
    /// connected has exactly one echo record, on the same client port.
    private func expectBothEndsAgree(generator: [FlowLogRecord], echo: [FlowLogRecord], started: UInt64, completed: UInt64) {
        #expect(generator.count == Int(started))
        #expect(Set(generator.map(\.flowID)).count == generator.count, "each flow id once")
        #expect(UInt64(generator.count { $0.failure == nil }) == completed)
        let connected = generator.filter { $0.sourcePort != 0 }
        #expect(echo.count == connected.count, "one echo record per flow that reached the echo")
        for flow in connected {
            let seen = echo.filter { $0.flowID == flow.flowID && $0.transport == flow.transport }
            #expect(seen.count == 1, "flow \(String(describing: flow.flowID))")
            guard let other = seen.first else { continue }
            #expect(other.sourcePort == flow.sourcePort && other.destinationPort == flow.destinationPort)
            // The address the flow was sent to, also where the echo listens on a wildcard (IP_PKTINFO).
            #expect(other.destinationAddress == flow.destinationAddress, "\(other.destinationAddress) \(flow.destinationAddress)")
            #expect(other.sourceBytes == flow.sourceBytes, "the echo received what the generator sent")
            #expect(flow.destinationBytes == flow.sourceBytes && (flow.destinationMessages ?? 0) > 0)
            // Two processes' clocks: the same wall clock, read at different moments.
            #expect(abs(other.startNanoseconds - flow.startNanoseconds) < 1_000_000_000)
        }
        #expect(generator.allSatisfy { $0.role == .generator && $0.roundTripMaxNanoseconds != nil })
    }

    @Test(arguments: FlowLogFormat.allCases)
    func generateAndEchoLogEveryFlowOnce(format: FlowLogFormat) async throws {
        let (port, metricsPort) = (try await FreePort.tcp(), try await FreePort.tcp())
        let (echoLog, generatorLog) = (temporaryPath("echo.\(format)"), temporaryPath("generator.\(format)"))
        defer { for path in [echoLog, generatorLog] { try? FileManager.default.removeItem(atPath: path) } }
        let echo = try AgentProcess([
            "echo", "--tcp-ports", "\(port)", "--udp-ports", "\(port)", "--metrics-port", "\(metricsPort)",
            "--flow-log", echoLog, "--flow-log-format", format.rawValue,
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        let generator = try await AgentProcess.run([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(port)", "--udp-ports", "\(port)", "--metrics-port", "0",
            "--pattern", "constant", "--rate", "40", "--max-concurrent", "8", "--flow-count", "30", "--message-interval", "20ms",
            "--flow-log", generatorLog, "--flow-log-format", format.rawValue,
        ])
        echo.signal(SIGTERM)
        let echoResult = await echo.finish()
        #expect(generator.code == 0 && echoResult.code == 0, "\(generator.err)\n\(echoResult.err)")
        let summary = try Self.decoder.decode(GeneratorReport.self, from: Data(generator.out.utf8))
        let generatorRecords = try records(at: generatorLog)
        let echoRecords = try records(at: echoLog)
        expectBothEndsAgree(
            generator: generatorRecords, echo: echoRecords, started: summary.total.counters.flowsStarted,
            completed: summary.total.counters.flowsCompleted)
        #expect(summary.flowLog == FlowLogWriter.Counts(written: UInt64(generatorRecords.count), dropped: 0))
        #expect(generatorRecords.count == 30 && Set(generatorRecords.map(\.transport)) == [.tcp, .udp])
        let echoSummary = try #require(try JSONSerialization.jsonObject(with: Data(echoResult.out.utf8)) as? [String: Any])
        #expect((echoSummary["flowLog"] as? [String: Any])?["written"] as? Int == echoRecords.count)
        let text = try String(contentsOfFile: generatorLog, encoding: .utf8)
        switch format {
        case .csv: #expect(text.hasPrefix("ts,te,td,pr,sa,sp,da,dp,ibyt,obyt,ipkt,opkt,"))
        case .json: #expect((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])?.count == 30)
        case .jsonl: #expect(text.split(separator: "\n").count == 30)
        }
    }

    /// On stdout the records are marked, and the summary is still the last line, unmarked.
    @Test func recordsOnStdoutAreMarkedAndTheSummaryStaysApart() async throws {
        let echo = try await EchoFixture.start()
        defer { Task { await echo.stop() } }
        let result = try await AgentProcess.run([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(echo.tcpPort)", "--protocol", "tcp", "--metrics-port", "0",
            "--pattern", "constant", "--rate", "50", "--max-concurrent", "5", "--flow-count", "10", "--flow-log", "-",
        ])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 11)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("{\"flowtest_flow\":{") })
        #expect(try Self.decoder.decode(GeneratorReport.self, from: Data(lines.last!.utf8)).total.counters.flowsStarted == 10)
        #expect(!result.err.contains("flowtest_flow"), "records never go to stderr")
    }

    /// A local run writes every agent into one log: each generator flow once, each flow that
    /// reached the echo once more from the echo, the counts those of the status.
    @Test func aLocalRunLogsEveryFlowOnceAtBothEnds() async throws {
        let manifest = temporaryPath("flowtest.yaml")
        let log = temporaryPath("flows.jsonl")
        defer { for path in [manifest, log] { try? FileManager.default.removeItem(atPath: path) } }
        try """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: logged}
            spec:
              duration: 2s
              flows: {rate: 30, maxConcurrent: 6, pattern: constant, messageInterval: 20ms}
              generators: {replicas: 2}
              flowLog: {}
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let result = try await AgentProcess.run(["run", manifest, "--any-ports", "--quiet", "--output", "json", "--flow-log", log])
        #expect(result.code == 0, "\(result.err)")
        let flowTest = try LocalRunOutput.flowTest(result.out)
        let summary = try #require(flowTest.status?.summary)
        let all = try records(at: log)
        #expect(all.allSatisfy { $0.flowTest == "logged" })
        let echo = all.filter { $0.role == .echo }
        #expect(echo.allSatisfy { $0.agent == "logged-echo-0" })
        var echoLeft = echo
        for replica in 0..<2 {
            let generator = all.filter { $0.agent == "logged-generator-\(replica)" }
            // Flow ids restart in each generator: its flows are its ids on its ports.
            let belongs = { (echo: FlowLogRecord) in
                generator.contains { $0.flowID == echo.flowID && $0.transport == echo.transport && $0.sourcePort == echo.sourcePort }
            }
            let mine = echoLeft.filter(belongs)
            echoLeft.removeAll(where: belongs)
            let report = try #require(flowTest.status?.agents?["logged-generator-\(replica)"]?.latest)
            let counters = [report.tcp, report.udp].compactMap { $0 }
            expectBothEndsAgree(
                generator: generator, echo: mine, started: counters.reduce(0) { $0 + $1.flowsStarted },
                completed: counters.reduce(0) { $0 + $1.flowsCompleted })
        }
        #expect(echoLeft.isEmpty, "every echo record belongs to a generator's flow")
        #expect(Int64(all.count { $0.role == .generator }) == summary.flowsStarted)
    }

    /// The traffic mix's protocols carry no FlowTest header, but say which flow they are in a
    /// place of their own (a header, a startup parameter, an EDNS option): every echo record
    /// still names its flow, on the generator's client port, with the bytes both ends counted.
    @Test func aProtocolMixIsLoggedAtBothEndsUnderItsFlowIDs() async throws {
        let manifest = temporaryPath("flowtest.yaml")
        let log = temporaryPath("flows.jsonl")
        defer { for path in [manifest, log] { try? FileManager.default.removeItem(atPath: path) } }
        try """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: protocols}
            spec:
              duration: 2s
              flows:
                rate: 40
                maxConcurrent: 20
                pattern: constant
                messageInterval: 10ms
                mix:
                  - {pattern: web, weight: 2}
                  - {pattern: dns, weight: 1}
                  - {pattern: database, weight: 2}
                  - {pattern: ssh, weight: 1, messages: {min: 2, max: 4}}
                  - {pattern: smtp, weight: 1}
                  - {pattern: ftp, weight: 1}
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let result = try await AgentProcess.run(["run", manifest, "--any-ports", "--quiet", "--output", "json", "--flow-log", log])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let all = try records(at: log)
        let generator = all.filter { $0.role == .generator && $0.sourcePort != 0 }
        let echo = all.filter { $0.role == .echo }
        #expect(generator.count > 20 && echo.count == generator.count, "\(generator.count) flows, \(echo.count) echo records")
        #expect(echo.allSatisfy { $0.flowID != nil }, "every echo record names its flow")
        for flow in generator {
            let seen = echo.filter { $0.flowID == flow.flowID && $0.transport == flow.transport && $0.sourcePort == flow.sourcePort }
            #expect(seen.count == 1, "flow \(String(describing: flow.flowID)) on port \(flow.destinationPort)")
            guard let other = seen.first, flow.failure == nil else { continue }
            #expect(other.sourceBytes == flow.sourceBytes && other.destinationBytes == flow.destinationBytes, "\(flow) and \(other)")
        }
    }

    @Test func aContinuousFlowIsOneRecordWithItsReconnects() async throws {
        let echo = try await EchoFixture.start()
        defer { Task { await echo.stop() } }
        let result = try await AgentProcess.run([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(echo.tcpPort)", "--udp-ports", "\(echo.udpPort)", "--metrics-port", "0",
            "--pattern", "continuous", "--rate", "100", "--max-concurrent", "4", "--time-limit", "1s", "--flow-log", "-",
        ])
        #expect(result.code == 0, "\(result.err)")
        let records = try FlowLogRecordReader.read(result.out, source: "stdout").records
        #expect(records.count == 4 && Set(records.map(\.flowID)) == [0, 1, 2, 3])
        #expect(records.allSatisfy { $0.reconnects == 0 && $0.failure == nil && ($0.sourceMessages ?? 0) > 10 })
    }

    @Test(arguments: [
        (["--flow-log-format", "xml", "--flow-log", "x"], Int32(64), #"flowtest-agent: error: invalid value "xml" for --flow-log-format: expected one of jsonl, json, csv"#),
        (["--flow-log", "-", "--flow-log-format", "csv"], 64, "flowtest-agent: error: invalid value \"csv\" for --flow-log-format: expected jsonl with --flow-log - "),
        (["--flow-log", "/nonexistent/dir/flows.jsonl"], 1, "flowtest-agent: error: cannot write --flow-log /nonexistent/dir/flows.jsonl: No such file or directory"),
    ])
    func badFlowLogFlagsAreOneLine(flags: [String], code: Int32, message: String) async throws {
        for role in [["generate", "--target", "127.0.0.1"], ["echo", "--tcp-ports", "0", "--udp-ports", "0"]] {
            let result = try await AgentProcess.run(role + ["--metrics-port", "0"] + flags)
            #expect(result.code == code, "\(result.err)")
            #expect(result.err.hasPrefix(message), "\(result.err)")
            #expect(result.err.split(separator: "\n").count == 1, "\(result.err)")
        }
    }
}
