import FakeKubernetes
import FlowTestShared
import Foundation
import Synchronization
import Testing
@testable import FlowTestController

/// A thousand generators' reports, each in its own FlowTestReport, end in one complete and
/// exact summary, through restarted agents, an apiserver that is away and a controller that
/// restarts in between (issue 25: the reports moved out of the FlowTest, and nothing may be lost
/// or counted twice on the way).
@Suite("Controller: a thousand generators", .serialized, .timeLimit(.minutes(10)))
struct ControllerScaleTests {
    static let generators = Int(ProcessInfo.processInfo.environment["FLOWTEST_SCALE_GENERATORS"] ?? "") ?? 1000

    /// Reports written so far, counted across the simulated agents.
    final class Tally: Sendable {
        private let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    /// What generator `index` reports: every tenth restarted once (a first, unfinished
    /// incarnation and a second that finishes); distinct counts, so a lost or doubled report shows.
    static func flows(_ index: Int, incarnation: Int) -> UInt64 { UInt64(1000 + index * 3 + incarnation) }

    static func container(client: KubernetesClient, release: EchoReplacementTests.Gate, firstReports: Tally) -> FakeKubelet.Container {
        { pod in
            let index = Int(pod.name.split(separator: "-").last ?? "") ?? 0
            let flowTest = "thousand"
            let now = { FlowTestStatus.preciseTimestamp(Date()) }
            let restarted = index % 10 == 0
            for incarnation in 0..<(restarted ? 2 : 1) {
                let start = now()
                var report = AgentReport(startTime: start, reportTime: start, finished: false)
                var counters = TrafficCounters()
                counters.flowsStarted = flows(index, incarnation: incarnation)
                counters.flowsCompleted = counters.flowsStarted
                report.tcp = counters
                report.elapsedSeconds = 1
                let key = "\(pod.uid.prefix(8))-\(incarnation)"
                await Containers.writeReport(report, incarnation: key, role: "generator", pod: pod, flowTest: flowTest, client: client)
                if incarnation == 0 { firstReports.add() }
                // The last incarnation finishes once the test has had its outage and restart.
                if incarnation == (restarted ? 1 : 0) {
                    await release.wait(atMost: .seconds(120))
                    report.finished = true
                    report.reportTime = now()
                    // As a real generator's final report, retried until the controller's deadline
                    // would pass: a thousand writing at once on a loaded two-core machine had some
                    // still failing after the default 30 s, and their final reports never came.
                    await Containers.writeReport(
                        report, incarnation: key, role: "generator", pod: pod, flowTest: flowTest, client: client, retryingFor: .seconds(170))
                }
            }
            return true
        }
    }

    @Test func reportsAddUpThroughRestartsAnOutageAndAControllerRestart() async throws {
        let release = EchoReplacementTests.Gate()
        let firstReports = Tally()
        // The generators' deadline (spec.duration + overrun, from the moment the pods start being
        // created) is not what this test is about: on a loaded two-core machine creating 1,000 pods,
        // an outage and a controller restart took more than the default 2 minutes (CI, stop 28),
        // and the test then ended in Timeout with some final reports still to come.
        try await ControllerHarness.run(
            container: { _, client in Self.container(client: client, release: release, firstReports: firstReports) }, overrun: .seconds(480)
        ) { harness in
            _ = try await harness.create(
                """
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: thousand}
                spec:
                  duration: 1s
                  flows: {rate: 1}
                  target: {mode: External, host: example.invalid}
                  generators: {replicas: \(Self.generators)}
                  cleanupPolicy: Never
                """)
            // The test runs and half the generators have reported once: then the apiserver is away
            // for a while and the controller restarts (its caches of reports and pods gone) while it is.
            _ = try await harness.waitFor("thousand", timeout: .seconds(240)) { $0.status?.phase == .running }
            try await ControllerLifecycleTests.waitUntil(timeout: .seconds(180)) { firstReports.count >= Self.generators / 2 }
            harness.store.stopAnswering()
            harness.restartController()
            try await Task.sleep(for: .seconds(2))
            harness.store.resumeAnswering()
            release.open()
            let done = try await harness.waitFor("thousand", timeout: .seconds(180)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(status.conditions?.map { "\($0.type) \($0.reason): \($0.message.prefix(300))" } ?? [])")
            let expected = (0..<Self.generators).map { index in
                (0..<(index % 10 == 0 ? 2 : 1)).map { Int64(Self.flows(index, incarnation: $0)) }.reduce(0, +)
            }.reduce(0, +)
            // The summary is the sum of the reports as stored, each incarnation once.
            let reports = try #require(status.agents)
            #expect(reports.count == Self.generators)
            #expect(FlowTestSummary(agents: reports).flowsStarted == expected)
            #expect(status.summary?.flowsStarted == expected, "\(String(describing: status.summary))")
            #expect(status.summary?.agentIncarnations == Int64(Self.generators + Self.generators / 10))
            #expect(status.reportCounts == AgentReportCounts(expected: Int64(Self.generators), reporting: Int64(Self.generators), finished: Int64(Self.generators), missing: 0))
            // Every restarted generator's first incarnation crashed without its final report: each
            // is named, and only those (their figures count as their last reports hold them).
            let complete = try #require(status.conditions?.first { $0.type == "ReportsComplete" })
            #expect(complete.status == "False" && complete.reason == "AgentsNotReported", "\(complete.message.prefix(500))")
            // The first ten are named, then how many more: a condition stays short whatever happened.
            let restarted = Self.generators / 10
            #expect(complete.message.components(separatedBy: " incarnation ").count - 1 == min(restarted, BoundedList.limit), "\(complete.message.prefix(500))")
            #expect(restarted <= BoundedList.limit || complete.message.hasSuffix("and \(restarted - BoundedList.limit) more"), "\(complete.message.suffix(200))")
            #expect(complete.message.contains("thousand-generator-10 incarnation "))
            // The status the controller wrote stays small: no agent's report is in it.
            let stored = try #require(harness.store.object(.flowTests, namespace: "team", name: "thousand"))
            #expect(try JSONEncoder().encode(stored).count < 64 * 1024)
        }
    }
}
