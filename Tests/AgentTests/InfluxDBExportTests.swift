import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Prometheus
import Testing
@testable import FlowTestAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

@Suite("InfluxDB export: line protocol to a real InfluxDB 1.x and a real VictoriaMetrics", .serialized, .timeLimit(.minutes(3)))
struct InfluxDBExportTests {
    static let manifest = """
        apiVersion: flowtest.dev/v1alpha1
        kind: FlowTest
        metadata: {name: exported, namespace: team}
        spec:
          duration: 2s
          flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 20ms}
          generators: {replicas: 2}
        """

    private func manifestFile(_ yaml: String = manifest) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-export-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func status(_ json: String) throws -> FlowTestStatus {
        try LocalRunOutput.status(json)
    }

    @Test func lineProtocolEscapesExactlyAsTheReferenceSays() {
        let point = LinePoint(
            measurement: "flow test,x", tags: ["agent": "a b,c=d", "empty": "", "namespace": "team"],
            fields: [(key: "field key", value: .integer(-3)), (key: "ratio", value: .float(0.25)), (key: "text", value: .string(#"say "hi" \ bye"#)),
                     (key: "ok", value: .boolean(true)), (key: "bad", value: .float(.nan))],
            time: 1_733_058_000_000_000_001)
        #expect(point.line == #"flow\ test\,x,agent=a\ b\,c\=d,namespace=team field\ key=-3i,ratio=0.25,text="say \"hi\" \\ bye",ok=true,bad=0 1733058000000000001"#)
    }

    @Test(arguments: [
        (["--influxdb-url", "ftp://x"], [:], #"invalid value "ftp://x" for --influxdb-url: expected an http:// or https:// URL with a host, e.g. http://influxdb:8086"#),
        (["--influxdb-url", "http://x:8086"], [:], #"invalid value "" for --influxdb-database: expected a database for --influxdb-api v1"#),
        (["--influxdb-url", "http://x:8086", "--influxdb-api", "v3"], [:], #"invalid value "v3" for --influxdb-api: expected v1 or v2"#),
        (["--influxdb-url", "http://x:8086", "--influxdb-api", "v2", "--influxdb-org", "o"], [:], #"invalid value "" for --influxdb-bucket: expected a bucket for --influxdb-api v2"#),
        (["--influxdb-url", "http://x:8086", "--influxdb-api", "v2", "--influxdb-org", "o", "--influxdb-bucket", "b"], [:], #"invalid value "" for FLOWTEST_INFLUXDB_TOKEN: expected an API token for --influxdb-api v2"#),
        (["--influxdb-url", "http://x:8086", "--influxdb-database", "d"], ["FLOWTEST_INFLUXDB_USERNAME": "u"], #"invalid value "" for FLOWTEST_INFLUXDB_PASSWORD: expected FLOWTEST_INFLUXDB_USERNAME and FLOWTEST_INFLUXDB_PASSWORD to be set together"#),
        (["--influxdb-url", "http://x:8086", "--influxdb-database", "d", "--influxdb-interval", "1ms"], [:], #"invalid value "1ms" for --influxdb-interval: expected a duration such as 10s, at least 100ms"#),
    ] as [([String], [String: String], String)])
    func badSettingsNameTheSetting(arguments: [String], environment: [String: String], message: String) {
        #expect(throws: ConfigurationError.self) {
            do { _ = try InfluxDBSettings.resolve(InfluxDBOptions.parse(arguments), SettingResolver(environment: environment)) } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test func theWriteURLsFollowBothAPIs() throws {
        let v1 = try #require(try InfluxDBSettings.resolve(
            InfluxDBOptions.parse(["--influxdb-url", "http://db:8086/", "--influxdb-database", "flow test", "--influxdb-retention-policy", "week"]),
            SettingResolver(environment: [:])))
        #expect(v1.writeURL.absoluteString == "http://db:8086/write?db=flow%20test&rp=week&precision=ns")
        let v2 = try #require(try InfluxDBSettings.resolve(
            InfluxDBOptions.parse(["--influxdb-url", "https://db/influx", "--influxdb-api", "v2", "--influxdb-org", "o", "--influxdb-bucket", "b"]),
            SettingResolver(environment: ["FLOWTEST_INFLUXDB_TOKEN": "secret"])))
        #expect(v2.writeURL.absoluteString == "https://db/influx/api/v2/write?org=o&bucket=b&precision=ns")
        #expect(v2.token == "secret")
    }

    /// A server that is not there: points wait in the buffer, the oldest are dropped and
    /// counted when it overflows, and the metrics say so; nothing blocks or throws.
    @Test func aFullBufferDropsTheOldestAndCountsThem() async throws {
        let closedPort = try await FreePort.tcp()
        var settings = try #require(try InfluxDBSettings.resolve(
            InfluxDBOptions.parse(["--influxdb-url", "http://127.0.0.1:\(closedPort)", "--influxdb-database", "d"]), SettingResolver(environment: [:])))
        settings.bufferLimit = 10
        let registry = PrometheusCollectorRegistry()
        let writer = InfluxDBWriter(settings: settings, logger: Logger(label: "test.influx"), metrics: InfluxDBMetrics(registry: registry))
        let point = { (index: Int64) in LinePoint(measurement: "m", tags: [:], fields: [(key: "v", value: .integer(index))], time: index) }
        writer.enqueue((0..<25).map(point))
        #expect(await writer.flush() == false)
        let counts = writer.counts
        #expect(counts.dropped == 15 && counts.pending == 10 && counts.written == 0 && counts.failedWrites == 1)
        let final = await writer.finish([point(99)], timeout: .milliseconds(500))
        #expect(final.dropped == 16 && final.pending == 10)
        let metrics = PrometheusText(registry.emitToString())
        #expect(metrics.value("flowtest_influxdb_points_dropped_total") == 16)
        #expect(metrics.value("flowtest_influxdb_points_pending") == 10)
        #expect(metrics.value("flowtest_influxdb_write_failures_total") ?? 0 >= 1)
    }

    /// A local run exports every agent to a real InfluxDB 1.6 (v1 API); the last points of each
    /// agent, queried back with InfluxQL, equal the run's status.
    @Test func aLocalRunWritesPointsThatInfluxDBReturnsEqualToTheSummary() async throws {
        let server = try await TimeSeriesServer.start(.influxDB)
        _ = try await server.influxQL("CREATE DATABASE flowtest")
        let result = try await AgentProcess.run([
            "run", try manifestFile(), "--any-ports", "--quiet", "-o", "json",
            "--influxdb-url", server.url, "--influxdb-database", "flowtest", "--influxdb-interval", "500ms",
        ])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        let summary = try #require(status.summary)
        let answer = try await server.influxQL(
            "SELECT last(started) AS started, last(completed) AS completed FROM flowtest_flows WHERE flowtest = 'exported' GROUP BY agent, protocol",
            database: "flowtest")
        let series = answer["results"]?.array?.first?["series"]?.array ?? []
        #expect(series.count == 4, "2 generators × 2 protocols: \(answer)")
        let started = series.compactMap { $0["values"]?.array?.first?.array?[1].number }.reduce(0, +)
        let completed = series.compactMap { $0["values"]?.array?.first?.array?[2].number }.reduce(0, +)
        #expect(Int64(started) == summary.flowsStarted && Int64(completed) == summary.flowsCompleted, "\(answer)")
        #expect(series.allSatisfy { $0["tags"]?["agent"]?.string?.hasPrefix("exported-generator-") == true })
        // The echo's points, and round trips with their percentiles.
        let echo = try await server.influxQL("SELECT last(datagrams_received) FROM flowtest_echo WHERE protocol = 'udp'", database: "flowtest")
        let received = echo["results"]?.array?.first?["series"]?.array?.first?["values"]?.array?.first?.array?[1].number
        #expect(received.map { Int64($0) } == summary.echo?.udpDatagramsReceived, "\(echo)")
        let rtt = try await server.influxQL("SELECT last(p99_ms) FROM flowtest_rtt", database: "flowtest")
        #expect(rtt["results"]?.array?.first?["series"]?.array?.first?["values"]?.array?.first?.array?[1].number ?? 0 > 0, "\(rtt)")
        #expect(result.err.contains("InfluxDB export finished"))
        await server.stop()
    }

    /// A traffic mix exports one series per pattern, tagged `traffic_pattern`, whose last
    /// figures are the status's per-pattern summary.
    @Test func aMixExportsEachPatternsFigures() async throws {
        let server = try await TimeSeriesServer.start(.influxDB)
        _ = try await server.influxQL("CREATE DATABASE flowtest")
        let result = try await AgentProcess.run([
            "run", RepositoryFile.root.appendingPathComponent("examples/traffic-mix.yaml").path, "--any-ports", "--quiet", "-o", "json",
            "--duration", "3s", "--influxdb-url", server.url, "--influxdb-database", "flowtest", "--influxdb-interval", "500ms",
        ])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let patterns = try #require(try status(result.out).summary?.patterns)
        let answer = try await server.influxQL(
            "SELECT last(started) AS started, last(bytes_received) AS received FROM flowtest_traffic_pattern GROUP BY traffic_pattern",
            database: "flowtest")
        let series = answer["results"]?.array?.first?["series"]?.array ?? []
        var exported: [String: (started: Int64, received: Int64)] = [:]
        for entry in series {
            guard let name = entry["tags"]?["traffic_pattern"]?.string, let row = entry["values"]?.array?.first?.array,
                let started = row[1].number, let received = row[2].number
            else { continue }
            exported[name] = (Int64(started), Int64(received))
        }
        #expect(Set(exported.keys) == Set(patterns.keys), "\(answer)")
        for (name, figures) in patterns {
            #expect(exported[name]?.started == figures.flowsStarted && exported[name]?.received == figures.bytesReceived, "\(name)")
        }
        await server.stop()
    }

    /// VictoriaMetrics takes line protocol on both write APIs: a local run writes, through
    /// either, what the VictoriaMetrics export API returns, equal to the run's summary.
    @Test(arguments: [["--influxdb-api", "v1", "--influxdb-database", "flowtest"], ["--influxdb-api", "v2", "--influxdb-org", "team", "--influxdb-bucket", "flows"]])
    func aLocalRunWritesToVictoriaMetrics(api: [String]) async throws {
        let server = try await TimeSeriesServer.start(.victoriaMetrics)
        let result = try await AgentProcess.run(
            ["run", try manifestFile(), "--any-ports", "--quiet", "-o", "json", "--influxdb-url", server.url, "--influxdb-interval", "500ms"] + api,
            environment: ["FLOWTEST_INFLUXDB_TOKEN": "not-checked-by-victoria"])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        #expect(!result.err.contains("not-checked-by-victoria"), "the token never appears in the logs")
        let expected = Double(try #require(try status(result.out).summary?.flowsStarted))
        // VictoriaMetrics names each field measurement_field and makes the tags labels.
        var latest: Double = 0
        var seriesCount = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let series = try await server.export(#"{__name__="flowtest_flows_started",flowtest="exported",namespace="team"}"#)
            latest = series.compactMap { $0["values"]?.array?.last?.number }.reduce(0, +)
            seriesCount = series.count
            if latest == expected, seriesCount == 4 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(latest == expected && seriesCount == 4, "2 generators × 2 protocols hold the final figures")
        await server.stop()
    }

    /// A point the server refuses (here: a field whose type conflicts with what the database
    /// already holds) rejects its batch with a 400 that names the line: logged, counted, never
    /// retried, and the test's result is untouched.
    @Test func aBatchTheServerRefusesIsLoggedWithItsAnswerAndCounted() async throws {
        let server = try await TimeSeriesServer.start(.influxDB)
        _ = try await server.influxQL("CREATE DATABASE flowtest")
        var request = URLRequest(url: URL(string: server.url + "/write?db=flowtest")!)
        request.httpMethod = "POST"
        // Now, not at time 1: InfluxDB 1.x checks field types per shard, and shards are by time.
        request.httpBody = Data("flowtest_flows started=\"a string\" \(Int64(Date().timeIntervalSince1970 * 1e9))".utf8)
        _ = try await URLSession.shared.data(for: request)
        let result = try await AgentProcess.run([
            "run", try manifestFile(), "--any-ports", "--quiet", "-o", "json",
            "--influxdb-url", server.url, "--influxdb-database", "flowtest", "--influxdb-interval", "500ms",
        ])
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        #expect(try status(result.out).phase == .succeeded)
        #expect(result.err.contains("InfluxDB rejected a batch of"), "\(result.err.suffix(2000))")
        #expect(result.err.contains("field type conflict"), "the server's answer, which names the field")
        #expect(!result.err.contains("rejected=0"), "the final count says how many were rejected")
        await server.stop()
    }

    /// An InfluxDB that goes away mid-run costs the test nothing: the traffic and its verdict are
    /// unaffected, the points wait in the buffer, and what the server missed arrives when it is back.
    @Test func anInfluxDBOutageNeverTouchesTheTrafficAndIsCaughtUpAfter() async throws {
        var server = try await TimeSeriesServer.start(.influxDB)
        _ = try await server.influxQL("CREATE DATABASE flowtest")
        let (port, directory) = (server.port, server.directory)
        let run = try AgentProcess([
            "run", try manifestFile(Self.manifest.replacingOccurrences(of: "duration: 2s", with: "duration: 6s")), "--any-ports", "--quiet",
            "-o", "json", "--influxdb-url", server.url, "--influxdb-database", "flowtest", "--influxdb-interval", "500ms",
        ])
        try await Task.sleep(for: .seconds(1.5))
        await server.stop(removingData: false)
        try await Task.sleep(for: .seconds(2))
        server = try await TimeSeriesServer.start(.influxDB, port: port, directory: directory)
        let result = await run.finish()
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let status = try status(result.out)
        #expect(status.phase == .succeeded && status.summary?.flowsFailed == 0)
        #expect(result.err.contains("InfluxDB write failed; will retry"))
        let answer = try await server.influxQL(
            "SELECT count(started) FROM flowtest_flows WHERE protocol = 'tcp' AND agent = 'exported-generator-0'", database: "flowtest")
        let points = answer["results"]?.array?.first?["series"]?.array?.first?["values"]?.array?.first?.array?[1].number ?? 0
        // One point per 500 ms over 6 s, and the final one: the ones held during the outage arrived too.
        #expect(points >= 10, "\(answer)")
        let last = try await server.influxQL(
            "SELECT last(started) FROM flowtest_flows WHERE agent = 'exported-generator-0' AND protocol = 'tcp'", database: "flowtest")
        let started = last["results"]?.array?.first?["series"]?.array?.first?["values"]?.array?.first?.array?[1].number
        let agentReport = status.agents?["exported-generator-0"]?.latest
        #expect(started.map { UInt64($0) } == agentReport?.tcp?.flowsStarted, "\(last)")
        await server.stop()
    }
}
