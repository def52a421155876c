import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

@Suite("Controller: spec.flowLog makes real agents write flow records to stdout", .serialized, .timeLimit(.minutes(3)))
struct ControllerFlowLogTests {
    /// The controller gives both agents `--flow-log -`; their stdout (as `kubectl logs --prefix`
    /// gives it back, with the JSON log lines of stderr mixed in) converts into one CSV holding
    /// every flow of the status once from the generator, and once from the echo if it got there.
    @Test func recordsFromTheAgentsStdoutConvertIntoOneFile() async throws {
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: logged}
            spec:
              duration: 2s
              flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 20ms}
              reportInterval: 1s
              flowLog: {}
              cleanupPolicy: Always
            """
        let logs = PodLogs()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowlog-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, logs: logs) }) { harness in
            _ = try await harness.create(manifest)
            let done = try await harness.waitFor("logged", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            // Cleanup deletes the echo pod; its records are complete once its process has exited.
            let deadline = ContinuousClock.now + .seconds(30)
            while logs.pods != ["logged-generator-0", "logged-echo-0"], ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let input = directory.appendingPathComponent("kubectl-logs.txt").path
            let output = directory.appendingPathComponent("flows.csv").path
            try logs.prefixed().write(toFile: input, atomically: true, encoding: .utf8)
            let converted = try await AgentProcess.run(["flows", "convert", "--to", "csv", "--output", output, input])
            #expect(converted.code == 0, "\(converted.err)")
            let csv = try String(contentsOfFile: output, encoding: .utf8)
            #expect(csv.hasPrefix("ts,te,td,pr,sa,sp,da,dp,"))
            #expect(converted.err.contains("\(csv.split(separator: "\n").count - 1) flow records written"), "\(converted.err)")
            let records = try FlowLogRecordReader.read(csv, source: output).records
            let generator = records.filter { $0.role == .generator }
            let echo = records.filter { $0.role == .echo }
            #expect(Int64(generator.count) == status.summary?.flowsStarted && !generator.isEmpty)
            #expect(records.allSatisfy { $0.flowTest == "logged" })
            // The final reports come after the logs' final flush: they count every record.
            #expect(status.agents?["logged-generator-0"]?.latest?.flowLog == FlowLogCounts(written: UInt64(generator.count)))
            #expect(status.agents?["logged-echo-0"]?.latest?.flowLog == FlowLogCounts(written: UInt64(echo.count)))
            #expect(generator.allSatisfy { $0.agent == "logged-generator-0" } && echo.allSatisfy { $0.agent == "logged-echo-0" })
            let reached = generator.filter { $0.sourcePort != 0 && $0.destinationMessages ?? 0 > 0 }
            #expect(echo.count == reached.count)
            for flow in reached {
                #expect(echo.count { $0.flowID == flow.flowID && $0.transport == flow.transport && $0.sourcePort == flow.sourcePort } == 1)
            }
        }
    }

    /// The flags each role gets; a role switched off gets none.
    @Test func eachRoleGetsTheFlagsUnlessSwitchedOff() {
        #expect(FlowLogSpec().arguments(role: "generator") == ["--flow-log", "-", "--flow-log-format", "jsonl"])
        #expect(FlowLogSpec().arguments(role: "echo") == ["--flow-log", "-", "--flow-log-format", "jsonl"])
        #expect(FlowLogSpec(echo: false).arguments(role: "echo").isEmpty)
        #expect(FlowLogSpec(generators: false).arguments(role: "generator").isEmpty)
    }
}
