import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestController

/// A marked FlowTest through the controller: an IPv6 Service, agents configured by flags, and the
/// echo's verdict on the marks in the status.
@Suite("Controller: marked flows over IPv6, against the fake API server", .serialized, .timeLimit(.minutes(3)))
struct ControllerMarkingTests {
    @Test func anIPv6TestWithDSCPAndASciTagSucceedsOnItsMarks() async throws {
        let fireflyPort = try await FreePort.tcp()
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: marked}
            spec:
              duration: 2s
              flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 50ms, marking: {dscp: EF, scitag: {experiment: 65, activity: 2}, fireflies: {port: \(fireflyPort)}}}
              target: {ipFamilies: [IPv6]}
              reportInterval: 1s
              cleanupPolicy: Never
              thresholds: {minMarkedPercent: 100}
            """
        // Generators dial ::1, where a cluster's DNS would give them the Service's IPv6 address.
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, loopback: "::1") }) { harness in
            _ = try await harness.create(manifest)
            let done = try await harness.waitFor("marked", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            let summary = try #require(status.summary)
            let marking = try #require(summary.marking)
            #expect(marking.udp.marked > 0 && marking.tcp.marked == UInt64(summary.tcpFlowsStarted), "\(marking)")
            #expect(marking.udp.remarked + marking.udp.unmarked + marking.tcp.remarked + marking.tcp.unmarked == 0, "\(marking)")
            #expect(marking.firefliesSent == 2 * UInt64(summary.flowsStarted) && marking.firefliesReceived == marking.firefliesSent, "\(marking)")
            #expect(summary.markedPercent == 100)

            // The Service asks for IPv6 alone, and the API server gave it an IPv6 cluster IP.
            let service = try #require(harness.store.object(.services, namespace: "team", name: "marked-echo"))
            #expect(service["spec"]?["ipFamilies"] == ["IPv6"])
            #expect(service["spec"]?["ipFamilyPolicy"] == "SingleStack")
            #expect(service["spec"]?["clusterIP"]?.string?.contains(":") == true, "\(String(describing: service["spec"]))")
            // Both roles got the marks as flags a human could type.
            let arguments = harness.pods("marked").map { pod in (pod["spec"]?["containers"]?.array?.first?["args"]?.array ?? []).compactMap(\.string) }
            let generator = try #require(arguments.first { $0.first == "generate" })
            let echo = try #require(arguments.first { $0.first == "echo" })
            for flags in [["--dscp", "EF"], ["--scitag", "65:2"], ["--firefly-port", "\(fireflyPort)"]] {
                #expect(generator.contains(flags[0]) && generator[generator.firstIndex(of: flags[0])! + 1] == flags[1], "\(generator)")
                #expect(echo.contains(flags[0]) && echo[echo.firstIndex(of: flags[0])! + 1] == flags[1], "\(echo)")
            }
        }
    }

    @Test func dualStackServicesRequireBothFamilies() {
        var flowTest = FlowTest(metadata: ObjectMeta(name: "dual", namespace: "team"), spec: FlowTestSpec(flows: FlowsSpec(rate: 1)))
        flowTest.spec.target.ipFamilies = [.ipv6, .ipv4]
        let service = ChildObjects(flowTest: flowTest, settings: AgentPodSettings()).echoService
        #expect(service["spec"]?["ipFamilies"] == ["IPv6", "IPv4"])
        #expect(service["spec"]?["ipFamilyPolicy"] == "RequireDualStack")
        flowTest.spec.target.ipFamilies = nil
        let plain = ChildObjects(flowTest: flowTest, settings: AgentPodSettings()).echoService
        #expect(plain["spec"]?["ipFamilies"] == nil && plain["spec"]?["ipFamilyPolicy"] == nil)
    }
}
