import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

@Suite("Controller: spec.export.influxDB reaches the agents, which write to a real InfluxDB", .serialized, .timeLimit(.minutes(3)))
struct ControllerExportTests {
    /// The controller gives every agent pod the export flags and the Secret's keys as
    /// `secretKeyRef` variables (never the values, never an argument); the real agents write
    /// points tagged with their FlowTest, namespace and pod name, equal to the status.
    @Test func agentPodsExportToInfluxDBWithCredentialsFromASecret() async throws {
        // Authentication on: without the Secret's credentials every write would be 401.
        let influx = try await TimeSeriesServer.start(.influxDB, authentication: true)
        let admin = (name: "writer", password: "s3cret-value")
        _ = try await influx.influxQL("CREATE USER \(admin.name) WITH PASSWORD '\(admin.password)' WITH ALL PRIVILEGES")
        _ = try await influx.influxQL("CREATE DATABASE flowtest", user: admin)
        let manifest = """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: exporting}
            spec:
              duration: 2s
              flows: {rate: 20, maxConcurrent: 5, pattern: constant, messageInterval: 20ms}
              reportInterval: 1s
              export:
                influxDB:
                  url: \(influx.url)
                  database: flowtest
                  interval: 1s
                  credentialsSecret: {name: influx-writer, usernameKey: user, passwordKey: pass}
              cleanupPolicy: Never
            """
        let secrets = ["influx-writer": ["user": admin.name, "pass": admin.password]]
        try await ControllerHarness.run(container: { server, _ in try Containers.real(server: server, secrets: secrets) }) { harness in
            _ = try await harness.create(manifest)
            let done = try await harness.waitFor("exporting", timeout: .seconds(60)) { $0.status?.phase == .succeeded || $0.status?.phase == .failed }
            let status = try #require(done.status)
            #expect(status.phase == .succeeded, "\(String(describing: status.conditions))")
            for pod in ["exporting-generator-0", "exporting-echo-0"] {
                let container = try #require(harness.store.object(.pods, namespace: "team", name: pod)?["spec"]?["containers"]?.array?.first)
                let arguments = container["args"]?.array?.compactMap(\.string) ?? []
                #expect(arguments.contains("--influxdb-url") && arguments.contains(influx.url) && arguments.contains("--influxdb-database"), "\(arguments)")
                #expect(!arguments.contains { $0.contains("user") || $0.contains("pass") }, "no credential in the arguments")
                let env = container["env"]?.array ?? []
                #expect(env.contains(.object([
                    "name": "FLOWTEST_INFLUXDB_USERNAME", "valueFrom": .object(["secretKeyRef": .object(["name": "influx-writer", "key": "user"])]),
                ])), "\(env)")
                #expect(env.contains { $0["name"] == "FLOWTEST_INFLUXDB_PASSWORD" && $0["valueFrom"]?["secretKeyRef"]?["key"] == "pass" })
            }
            let answer = try await influx.influxQL(
                "SELECT last(started) FROM flowtest_flows WHERE flowtest = 'exporting' AND namespace = 'team' AND agent = 'exporting-generator-0' GROUP BY protocol",
                database: "flowtest", user: admin)
            let started = (answer["results"]?.array?.first?["series"]?.array ?? []).compactMap { $0["values"]?.array?.first?.array?[1].number }
            #expect(Int64(started.reduce(0, +)) == status.summary?.flowsStarted, "\(answer)")
            // Each agent's report says what its export did; the final report comes after the final flush.
            let counts = try #require(status.agents?["exporting-generator-0"]?.latest?.influxDB)
            #expect(counts.written > 0 && counts.dropped == 0 && counts.rejected == 0 && counts.pending == 0, "\(counts)")
            let echo = try await influx.influxQL(
                "SELECT last(connections_accepted) FROM flowtest_echo WHERE agent = 'exporting-echo-0'", database: "flowtest", user: admin)
            #expect(echo["results"]?.array?.first?["series"] != nil, "the echo pod exported too: \(echo)")
        }
        await influx.stop()
    }

    /// A Secret key that does not exist: the kubelet cannot start the container, and the test
    /// ends EchoNotReady quoting what the kubelet said, which names the Secret and the key.
    @Test func aMissingSecretKeyEndsTheTestNamingIt() async throws {
        let missingKey: FakeKubelet.StuckStatus = { pod in
            .object([
                "phase": "Pending",
                "conditions": [.object(["type": "Ready", "status": "False"])],
                "containerStatuses": [.object([
                    "name": "agent", "ready": false, "restartCount": 0,
                    "state": .object(["waiting": .object([
                        "reason": "CreateContainerConfigError", "message": "couldn't find key token in Secret team/influx-writer",
                    ])]),
                ])],
            ])
        }
        try await ControllerHarness.run(container: { _, _ in Containers.idle }, stuck: missingKey) { harness in
            _ = try await harness.create("""
                apiVersion: flowtest.dev/v1alpha1
                kind: FlowTest
                metadata: {name: nokey}
                spec:
                  flows: {rate: 10}
                  echo: {readyTimeout: 2s}
                  export: {influxDB: {url: "http://influxdb:8086", apiVersion: v2, org: o, bucket: b, credentialsSecret: {name: influx-writer, tokenKey: token}}}
                """)
            let done = try await harness.waitFor("nokey", timeout: .seconds(30)) { $0.status?.phase == .failed }
            let failed = try #require(done.status?.conditions?.first { $0.type == "Failed" })
            #expect(failed.reason == "EchoNotReady")
            #expect(failed.message.contains("CreateContainerConfigError: couldn't find key token in Secret team/influx-writer"), "\(failed.message)")
        }
    }
}
