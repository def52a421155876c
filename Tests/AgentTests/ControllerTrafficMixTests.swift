import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

@Suite("Controller: spec.flows.mix in pods, Service and status", .serialized, .timeLimit(.minutes(3)))
struct ControllerTrafficMixTests {
    /// The echo pod of a mix listens on every port of the mix as uid 65534 with no capability,
    /// so it lowers `ip_unprivileged_port_start` to its lowest port (ftp's 20); the Service
    /// exposes every port; the generator gets the mix as `--mix`. The fake API server, as strict as
    /// kube-apiserver on pod sysctls, accepts the pods, and its kubelet (which refuses unsafe
    /// sysctls) admits them.
    @Test func theEchoPodMayBindWellKnownPortsAsNonRoot() async throws {
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: mixed}
            spec:
              duration: 30s
              flows:
                rate: 10
                mix: [{pattern: web, weight: 2}, {pattern: dns, weight: 1}, {pattern: ftp, weight: 1}]
            """
        try await ControllerHarness.run(container: { _, _ in Containers.idle }) { harness in
            _ = try await harness.create(manifest)
            let deadline = ContinuousClock.now + .seconds(30)
            while harness.pods("mixed").count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let pods = harness.pods("mixed")
            let echo = try #require(pods.first { $0["metadata"]?["labels"]?["flowtest.dev/role"]?.string == "echo" })
            let generator = try #require(pods.first { $0["metadata"]?["labels"]?["flowtest.dev/role"]?.string == "generator" })
            let sysctls = echo["spec"]?["securityContext"]?["sysctls"]?.array ?? []
            #expect(sysctls == [.object(["name": "net.ipv4.ip_unprivileged_port_start", "value": "20"])])
            #expect(echo["spec"]?["containers"]?.array?.first?["securityContext"]?["runAsUser"] == .integer(65534))
            #expect(generator["spec"]?["securityContext"]?["sysctls"] == nil, "generators bind no port")
            let containerPorts = (echo["spec"]?["containers"]?.array?.first?["ports"]?.array ?? []).compactMap { port -> String? in
                guard let number = port["containerPort"]?.number, let proto = port["protocol"]?.string else { return nil }
                return "\(proto)/\(Int(number))"
            }
            #expect(Set(containerPorts).isSuperset(of: ["TCP/8080", "UDP/8080", "TCP/443", "TCP/80", "UDP/53", "TCP/21", "TCP/20"]))
            let arguments = (generator["spec"]?["containers"]?.array?.first?["args"]?.array ?? []).compactMap(\.string)
            let mix = try #require(arguments.firstIndex(of: "--mix").map { arguments[$0 + 1] })
            #expect(mix == #"[{"pattern":"web","weight":2},{"pattern":"dns","weight":1},{"pattern":"ftp","weight":1}]"#)
            let service = try #require(harness.store.object(.services, namespace: "team", name: "mixed-echo"))
            let servicePorts = (service["spec"]?["ports"]?.array ?? []).compactMap { $0["name"]?.string }
            #expect(servicePorts == ["tcp-8080", "tcp-443", "tcp-80", "tcp-21", "tcp-20", "udp-8080", "udp-53"])
        }
    }

    /// A mix run through the controller with real agents: every pattern's figures reach the
    /// status summary, summed from the generators' reports. Ports are free ones the test picked,
    /// given to both patterns, so nothing here needs a well-known port.
    @Test func eachPatternsFiguresReachTheStatus() async throws {
        let (web, kafka, dns) = (try await FreePort.tcp(), try await FreePort.tcp(), try await FreePort.tcp())
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: mix-run}
            spec:
              duration: 3s
              reportInterval: 1s
              ports: {tcp: [\(web)], udp: [\(dns)]}
              flows:
                rate: 40
                pattern: constant
                maxConcurrent: 20
                messageInterval: 20ms
                mix:
                  - {pattern: web, weight: 2, ports: [\(web)]}
                  - {pattern: dns, weight: 1, ports: [\(dns)]}
                  - {pattern: kafka, weight: 1, protocol: tcp, ports: [\(kafka)], requestSize: {min: 500, max: 900}, responseSize: {min: 32, max: 40}}
              cleanupPolicy: Always
            """
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, keepPorts: true) }) { harness in
            _ = try await harness.create(manifest)
            let done = try await harness.waitFor("mix-run", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            let patterns = try #require(status.summary?.patterns)
            #expect(Set(patterns.keys) == ["web", "dns", "kafka"])
            for (name, figures) in patterns { #expect(figures.flowsCompleted > 0, "\(name): \(figures)") }
            #expect(patterns["web"]!.bytesReceived > patterns["web"]!.bytesSent)
            #expect(patterns["kafka"]!.bytesSent > patterns["kafka"]!.bytesReceived)
            #expect(patterns.values.map(\.flowsStarted).reduce(0, +) == status.summary?.flowsStarted)
            let report = try #require(status.agents?["mix-run-generator-0"]?.latest?.patterns)
            #expect(report["web"]?.rtt.count ?? 0 > 0)
        }
    }
}
