import FlowTestShared
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A real InfluxDB 1.x (Debian's influxdb) or VictoriaMetrics (Debian's victoria-metrics)
/// on free loopback ports with its data in a temporary directory, for one test.
struct TimeSeriesServer: Sendable {
    enum Kind: Sendable {
        case influxDB, victoriaMetrics
    }

    let kind: Kind
    let port: Int
    let process: AgentProcess
    let directory: URL

    var url: String { "http://127.0.0.1:\(port)" }

    /// `authentication`: InfluxDB requires credentials (create the admin user first, with `influxQL`).
    static func start(
        _ kind: Kind, port fixedPort: Int? = nil, directory fixedDirectory: URL? = nil, authentication: Bool = false
    ) async throws -> TimeSeriesServer {
        let port: Int
        if let fixedPort { port = fixedPort } else { port = try await FreePort.tcp() }
        let directory = fixedDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-tsdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let arguments: [String]
        switch kind {
        case .influxDB:
            let rpcPort = try await FreePort.tcp()
            let configuration = """
                reporting-disabled = true
                bind-address = "127.0.0.1:\(rpcPort)"
                [meta]
                  dir = "\(directory.path)/meta"
                [data]
                  dir = "\(directory.path)/data"
                  wal-dir = "\(directory.path)/wal"
                  query-log-enabled = false
                [monitor]
                  store-enabled = false
                [http]
                  bind-address = "127.0.0.1:\(port)"
                  log-enabled = false
                  auth-enabled = \(authentication)
                [logging]
                  level = "warn"
                """
            try configuration.write(to: directory.appendingPathComponent("influxdb.conf"), atomically: true, encoding: .utf8)
            arguments = ["influxd", "-config", directory.appendingPathComponent("influxdb.conf").path]
        case .victoriaMetrics:
            arguments = [
                "victoria-metrics", "-httpListenAddr=127.0.0.1:\(port)", "-storageDataPath=\(directory.path)", "-retentionPeriod=1d",
                "-loggerLevel=ERROR", "-search.latencyOffset=0s",
            ]
        }
        let process = try AgentProcess(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        let server = TimeSeriesServer(kind: kind, port: port, process: process, directory: directory)
        try await server.waitUntilUp()
        return server
    }

    private func waitUntilUp(timeout: Duration = .seconds(30)) async throws {
        let path = kind == .influxDB ? "/ping" : "/health"
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await HTTPGet.fetch(url + path), status == 204 || status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AgentProcessError.notReady
    }

    /// Stops the server; its data stays in `directory` unless `removingData`.
    func stop(removingData: Bool = true) async {
        process.signal(SIGTERM)
        _ = await process.finish()
        if removingData { try? FileManager.default.removeItem(at: directory) }
    }

    /// InfluxQL on InfluxDB 1.x: `/query` (POST for statements that write, such as CREATE DATABASE).
    func influxQL(_ query: String, database: String? = nil, user: (name: String, password: String)? = nil) async throws -> JSONValue {
        var components = URLComponents(string: url + "/query")!
        components.queryItems = [URLQueryItem(name: "q", value: query), URLQueryItem(name: "epoch", value: "ns")]
            + (database.map { [URLQueryItem(name: "db", value: $0)] } ?? [])
            + (user.map { [URLQueryItem(name: "u", value: $0.name), URLQueryItem(name: "p", value: $0.password)] } ?? [])
        var request = URLRequest(url: components.url!)
        request.httpMethod = "POST"
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// VictoriaMetrics: every series matching `selector`, as `/api/v1/export` gives them (one
    /// JSON object per line: metric labels, values, timestamps in ms).
    func export(_ selector: String) async throws -> [JSONValue] {
        var components = URLComponents(string: url + "/api/v1/export")!
        components.queryItems = [URLQueryItem(name: "match[]", value: selector)]
        let (status, body) = try await HTTPGet.fetch(components.url!.absoluteString)
        #expect(status == 200, "\(body)")
        return try body.split(separator: "\n").map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }
}
