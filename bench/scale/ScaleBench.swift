import ArgumentParser
import FakeKubernetes
import FlowTestShared
import Foundation

/// `flowtest-scale-bench --agents N`: the real controller, in a process of its own, runs one
/// FlowTest of N generators against the fake API server, whose pods the fake kubelet runs as
/// simulated agents that report as real ones do (`SimulatedGenerator`). Prints one JSON object:
/// what the API received, the FlowTest's size, and the controller's CPU and memory
/// (bench/scale.sh makes the table of bench/scale.md from it).
///
/// Target mode External, so every agent is a generator: generator reports are the large ones
/// (histograms, patterns, a timeline), and the controller merges them all; echo pods would add
/// small reports and the echo stop at the end, not a different cost per report.
@main
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtest-scale-bench", abstract: "The controller's cost with N simulated agents reporting into the fake API server.")

    @Option(help: "Simulated generator agents.")
    var agents = 100
    @Option(help: "Seconds each agent runs (its final report comes then).")
    var duration = 60
    @Option(help: "Seconds between an agent's reports (spec.reportInterval).")
    var interval = 10
    @Option(help: "The flowtest-controller executable.")
    var controller = ".build/release/flowtest-controller"
    @Option(help: "A real generator report (the AgentReport JSON of one incarnation).")
    var template = "bench/scale/generator-report.json"
    @Option(help: "Seconds the controller is watched idle (no FlowTest) first, for its baseline CPU.")
    var idle = 5
    @Option(help: "Where the controller's log goes.")
    var controllerLog = "/tmp/flowtest-scale-controller.log"

    static let namespace = "team"
    static let name = "scale"

    func run() async throws {
        let template = try ReportTemplate(path: template)
        let server = try await FakeAPIServer.start()
        let kubeconfig = try Self.kubeconfig(for: server)
        let controller = try ControllerProcess(executable: controller, kubeconfig: kubeconfig, namespace: Self.namespace, log: controllerLog)
        defer { controller.stop() }
        let meter = controller.meter
        // Its baseline: watching an empty namespace, after it has started.
        try await Task.sleep(for: .seconds(1))
        let idleFrom = meter.cpuSeconds()
        try await Task.sleep(for: .seconds(idle))
        let idleCPU = (meter.cpuSeconds() - idleFrom) / Double(max(1, idle))
        let client = KubernetesClient(configuration: server.configuration(namespace: Self.namespace), requestTimeout: .seconds(60))
        let flowTest = try FlowTest.validated(try JSONValue(yaml: spec)).get()
        let created: FlowTest = try await client.create(.flowTests, namespace: Self.namespace, flowTest)
        let log = ReportLog()
        let generator = SimulatedGenerator(
            client: client, template: template, flowTest: Self.name, flowTestUID: created.metadata.uid ?? "",
            interval: .seconds(interval), duration: .seconds(duration), log: log)
        let kubelet = FakeKubelet(store: server.store, container: generator.container)
        let measurement = try await withThrowingTaskGroup(of: Measurement?.self) { group in
            group.addTask {
                await kubelet.run()
                return nil
            }
            group.addTask {
                try await Measurement.observe(store: server.store, controller: meter, log: log, limit: .seconds(duration + 240))
            }
            let measured = try await group.next() ?? nil
            group.cancelAll()
            return measured
        }
        await server.stop()
        guard var measurement else { throw ValidationError("the measurement ended without a result") }
        measurement.controllerIdleCPUSecondsPerSecond = idleCPU
        let result = ScaleResult(agents: agents, interval: interval, measurement: measurement, log: log.snapshot, expected: expectedFlowsStarted(template))
        print(String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self))
    }

    /// Flows started over every agent's final report: what a correct summary adds up to.
    private func expectedFlowsStarted(_ template: ReportTemplate) -> Int64 {
        (0..<agents).reduce(Int64(0)) { sum, index in
            let report = template.report(agent: index, started: Date(), elapsed: .seconds(duration), of: .seconds(duration), finished: true)
            return sum + Int64((report.tcp?.flowsStarted ?? 0) + (report.udp?.flowsStarted ?? 0))
        }
    }

    /// The traffic mix of examples/traffic-mix.yaml, from N generators towards an external host.
    private var spec: String {
        """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: \(Self.name), namespace: \(Self.namespace)}
        spec:
          duration: \(duration)s
          reportInterval: \(interval)s
          target: {mode: External, host: 192.0.2.10}
          generators: {replicas: \(agents)}
          flows:
            pattern: random
            rate: 50
            maxConcurrent: 400
            minDuration: 1s
            maxDuration: 5s
            messageInterval: 50ms
            mix:
              - {pattern: web, weight: 40}
              - {pattern: dns, weight: 20}
              - {pattern: database, weight: 15}
              - {pattern: ssh, weight: 5}
              - {pattern: smtp, weight: 5}
              - {pattern: ftp, weight: 5}
              - {pattern: kafka, weight: 10, protocol: tcp, ports: [9092], requestSize: {min: 200, max: 2000}, responseSize: {min: 32, max: 64}, messages: {min: 5, max: 50}}
          thresholds:
            maxFailedFlowsPercent: 1
        """
    }

    /// A kubeconfig for the fake server (no credentials: the fake accepts anyone).
    static func kubeconfig(for server: FakeAPIServer) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-scale-kubeconfig-\(UUID().uuidString)").path
        try """
            apiVersion: v1
            kind: Config
            current-context: fake
            contexts: [{name: fake, context: {cluster: fake, user: nobody, namespace: \(namespace)}}]
            clusters: [{name: fake, cluster: {server: "\(server.url.absoluteString)"}}]
            users: [{name: nobody, user: {}}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
