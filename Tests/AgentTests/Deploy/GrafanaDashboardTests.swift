import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// Every PromQL expression of the Grafana dashboards, evaluated by a real Prometheus (Debian's
/// `prometheus`) that scrapes a real echo and generator: none may fail or come back empty.
@Suite("Grafana dashboards: every query returns data from a real Prometheus", .serialized, .timeLimit(.minutes(3)))
struct GrafanaDashboardTests {
    /// The labels the chart's PodMonitor gives agent series (namespace and pod from the operator,
    /// flowtest from the pod's flowtest.dev/name label); here they are static target labels.
    static let namespace = "ci"
    static let flowTest = "dashboards"

    @Test func everyPanelAndVariableQueryReturnsData() async throws {
        let dashboards = try Self.dashboards()
        #expect(dashboards.count == 2)
        let (tcpPort, udpPort, echoMetrics, generatorMetrics, prometheusPort) = (
            try await FreePort.tcp(), try await FreePort.tcp(), try await FreePort.tcp(), try await FreePort.tcp(), try await FreePort.tcp()
        )
        // Both agents mark and judge DSCP, so the packet-marking panels have data too.
        let echo = try AgentProcess(["echo", "--tcp-ports", "\(tcpPort)", "--udp-ports", "\(udpPort)", "--metrics-port", "\(echoMetrics)", "--dscp", "EF"])
        // Not ready in time: the generator's first flows fail, which the dashboards show as well.
        try? await AgentProcess.waitUntilReady(metricsPort: echoMetrics)
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", "\(tcpPort)", "--udp-ports", "\(udpPort)", "--protocol", "both",
            "--pattern", "constant", "--rate", "20", "--max-concurrent", "10", "--message-interval", "20ms", "--time-limit", "60s",
            "--metrics-port", "\(generatorMetrics)", "--dscp", "EF",
            // A traffic mix over both protocols, so the per-pattern panels have data too.
            "--mix", "[{pattern: web, weight: 1, ports: [\(tcpPort)], messages: {min: 20, max: 40}}, {pattern: dns, weight: 1, ports: [\(udpPort)], messages: {min: 20, max: 40}}]",
        ])
        let prometheus = try Self.startPrometheus(port: prometheusPort, targets: [
            (echoMetrics, "\(Self.flowTest)-echo-0"), (generatorMetrics, "\(Self.flowTest)-generator-0"),
        ])
        do {
            try await Self.evaluate(dashboards, api: "http://127.0.0.1:\(prometheusPort)/api/v1/query?query=")
        } catch {
            Issue.record(error)
        }
        for agent in [generator, echo] {
            agent.signal(SIGTERM)
            _ = await agent.finish()
        }
        _ = await prometheus.stop()
    }

    /// What Grafana needs to load a dashboard as intended: unique uid and panel ids, panels
    /// inside the 24-column grid and not overlapping, every target with a refId and the data
    /// source variable, and every variable a query uses defined.
    @Test func dashboardsAreWellFormed() throws {
        var uids = Set<String>()
        for (file, dashboard) in try Self.dashboards() {
            let uid = try #require(dashboard["uid"]?.string, "\(file): no uid")
            #expect(uids.insert(uid).inserted, "\(file): uid \(uid) used twice")
            #expect(dashboard["title"]?.string?.isEmpty == false)
            let variables = Set((dashboard["templating"]?["list"]?.array ?? []).compactMap { $0["name"]?.string })
            #expect(variables.isSuperset(of: ["datasource", "namespace", "flowtest"]), "\(file): variables \(variables)")
            var ids = Set<Double>()
            var cells = Set<Int>()
            for panel in dashboard["panels"]?.array ?? [] {
                let title = panel["title"]?.string ?? "?"
                let id = try #require(panel["id"]?.number, "\(file), \(title): no id")
                #expect(ids.insert(id).inserted, "\(file), \(title): id \(id) used twice")
                let grid = try #require(panel["gridPos"], "\(file), \(title): no gridPos")
                let (x, y, w, h) = (Int(grid["x"]?.number ?? -1), Int(grid["y"]?.number ?? -1), Int(grid["w"]?.number ?? 0), Int(grid["h"]?.number ?? 0))
                #expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, "\(file), \(title): gridPos \(x),\(y) \(w)×\(h)")
                let area = (y..<(y + h)).flatMap { row in (x..<(x + w)).map { row * 24 + $0 } }
                #expect(cells.isDisjoint(with: area), "\(file), \(title): overlaps another panel")
                cells.formUnion(area)
                guard panel["type"]?.string != "row" else { continue }
                #expect(panel["datasource"]?["uid"]?.string == "${datasource}", "\(file), \(title): not on the datasource variable")
                let targets = panel["targets"]?.array ?? []
                #expect(!targets.isEmpty, "\(file), \(title): no query")
                #expect(Set(targets.compactMap { $0["refId"]?.string }).count == targets.count, "\(file), \(title): refIds missing or repeated")
                for expression in targets.compactMap({ $0["expr"]?.string }) {
                    for used in ["namespace", "flowtest", "pod"] where expression.contains("$\(used)") {
                        #expect(variables.contains(used), "\(file), \(title): $\(used) is not a variable")
                    }
                }
            }
        }
    }

    /// Waits for enough scrapes, then runs every panel target and variable query.
    static func evaluate(_ dashboards: [(String, JSONValue)], api: String) async throws {
        // rate() needs two samples and the flows a few seconds: wait for enough scrapes of both.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await query(api, "count_over_time(flowtest_flows_started_total[1m]) >= 6 and on() count(up == 1) == 2").isEmpty {
            guard ContinuousClock.now < deadline else {
                Issue.record("Prometheus never scraped both agents within 60 s")
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        var checked = 0
        for (file, dashboard) in dashboards {
            for (title, expression) in expressions(dashboard) {
                let promQL = substitute(expression)
                let result = try await query(api, promQL)
                #expect(!result.isEmpty, "\(file), panel \"\(title)\": no data for \(promQL)")
                checked += 1
            }
            for (name, definition) in variables(dashboard) {
                let promQL = try #require(labelValuesQuery(definition), "\(file), variable \(name): not label_values(): \(definition)")
                let values = try await query(api, promQL).compactMap { $0["metric"]?[label(of: definition)]?.string }
                #expect(!values.isEmpty, "\(file), variable \(name): no values for \(promQL)")
                checked += 1
            }
        }
        #expect(checked >= 40, "every panel target and variable was evaluated")
    }

    // MARK: Dashboards

    static func dashboards() throws -> [(String, JSONValue)] {
        let directory = HelmChartTests.chart + "/dashboards"
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted().map { file in
            (file, try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))))
        }
    }

    /// (panel title, expression) of every target, rows' nested panels included.
    static func expressions(_ dashboard: JSONValue) -> [(String, String)] {
        func walk(_ panels: [JSONValue]) -> [(String, String)] {
            panels.flatMap { panel in
                let title = panel["title"]?.string ?? "?"
                let own = (panel["targets"]?.array ?? []).compactMap { $0["expr"]?.string }.map { (title, $0) }
                return own + walk(panel["panels"]?.array ?? [])
            }
        }
        return walk(dashboard["panels"]?.array ?? [])
    }

    /// (name, definition) of the query variables.
    static func variables(_ dashboard: JSONValue) -> [(String, String)] {
        (dashboard["templating"]?["list"]?.array ?? []).compactMap { variable in
            guard variable["type"]?.string == "query", let name = variable["name"]?.string, let definition = variable["definition"]?.string else { return nil }
            return (name, definition)
        }
    }

    /// What Grafana would send with this test's FlowTest selected and every pod.
    static func substitute(_ expression: String) -> String {
        expression
            .replacingOccurrences(of: "$namespace", with: namespace)
            .replacingOccurrences(of: "$flowtest", with: flowTest)
            .replacingOccurrences(of: "$pod", with: ".*")
            .replacingOccurrences(of: "$__rate_interval", with: "10s")
            .replacingOccurrences(of: "$__range", with: "1m")
    }

    /// Grafana's `label_values(selector, label)` as the PromQL that finds the same values.
    static func labelValuesQuery(_ definition: String) -> String? {
        guard definition.hasPrefix("label_values("), definition.hasSuffix(")"), let comma = definition.lastIndex(of: ",") else { return nil }
        let selector = definition[definition.index(definition.startIndex, offsetBy: 13)..<comma]
        return "group by (\(label(of: definition))) (\(substitute(String(selector))))"
    }

    static func label(of definition: String) -> String {
        String(definition[definition.index(after: definition.lastIndex(of: ",")!)...].dropLast()).trimmingCharacters(in: .whitespaces)
    }

    // MARK: Prometheus

    static func startPrometheus(port: Int, targets: [(port: Int, pod: String)]) throws -> (process: AgentProcess, stop: @Sendable () async -> String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scrapeTargets = targets.map { target in
            """
                  - targets: ["127.0.0.1:\(target.port)"]
                    labels: {namespace: \(namespace), flowtest: \(flowTest), pod: \(target.pod)}
            """
        }.joined(separator: "\n")
        let configuration = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: flowtest-agents
                static_configs:
            \(scrapeTargets)
            """
        try configuration.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let process = try AgentProcess(
            [
                "prometheus", "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ], executable: URL(fileURLWithPath: "/usr/bin/env"))
        return (process, {
            process.signal(SIGTERM)
            let result = await process.finish()
            try? FileManager.default.removeItem(at: directory)
            return result.err
        })
    }

    /// The result vector of an instant query; a query Prometheus rejects fails the test.
    static func query(_ api: String, _ promQL: String) async throws -> [JSONValue] {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=")
        let encoded = try #require(promQL.addingPercentEncoding(withAllowedCharacters: allowed))
        guard let (status, body) = try? await HTTPGet.fetch(api + encoded) else { return [] }
        let response = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        #expect(status == 200 && response["status"]?.string == "success", "\(promQL): \(body)")
        return response["data"]?["result"]?.array ?? []
    }
}
