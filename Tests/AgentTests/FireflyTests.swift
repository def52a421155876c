import FakeKubernetes
import FlowTestShared
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Fireflies as a collector receives them: a real UDP socket on loopback, every datagram checked
/// for the syslog header and validated against the SciTags firefly schema (python jsonschema,
/// formats included; installed by .ci/run).
@Suite("Fireflies: one at each flow's start and end, valid against the SciTags schema", .serialized, .timeLimit(.minutes(3)))
struct FireflyTests {
    /// Collects every datagram it receives.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let datagrams = Mutex<[String]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data).data)
            datagrams.withLock { $0.append(text) }
        }
    }

    /// The syslog header: `<134>1 TIMESTAMP HOSTNAME flowtest - firefly-json - ` and the JSON.
    static var header: Regex<(Substring, Substring, Substring, Substring)> { #/^<134>1 (\S+) (\S+) flowtest - firefly-json - (\{.*\})$/# }

    @Test func fireflyAtEveryStartAndEndValidatesAgainstTheSchema() async throws {
        let collector = Collector()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .bind(host: "::1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("fireflies-\(UUID().uuidString).yaml").path
        try """
            apiVersion: flowtest.dev/v1alpha1
            kind: FlowTest
            metadata: {name: fireflies}
            spec:
              duration: 2s
              flows: {rate: 20, pattern: constant, maxConcurrent: 6, messageInterval: 50ms, marking: {scitag: {experiment: 65, activity: 2}, fireflies: {toDestination: false, collector: "[::1]:\(port)"}}}
              target: {ipFamilies: [IPv6, IPv4]}
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let run = try await AgentProcess.run(["run", manifest, "--any-ports", "-o", "json", "--quiet"])
        #expect(run.code == 0, "\(run.err.suffix(2000))")
        let summary = try #require(try LocalRunOutput.status(run.out).summary)
        // Loopback loses nothing, but the last datagrams may still be in the socket: wait (bounded).
        let expected = 2 * Int(summary.flowsStarted)
        let deadline = ContinuousClock.now + .seconds(20)
        while collector.datagrams.withLock({ $0.count }) < expected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await channel.close()
        let datagrams = collector.datagrams.withLock { $0 }
        #expect(datagrams.count == expected, "\(datagrams.count) fireflies for \(summary.flowsStarted) flows")
        #expect(summary.marking?.firefliesSent == UInt64(expected))
        #expect(summary.marking?.firefliesReceived == 0, "toDestination is off: the echo gets none")

        var documents: [JSONValue] = []
        for datagram in datagrams {
            let match = try #require(try Self.header.wholeMatch(in: datagram), "not a firefly: \(datagram.prefix(120))")
            #expect(RFC3339.parses(String(match.1)), "syslog timestamp \(match.1)")
            documents.append(try JSONDecoder().decode(JSONValue.self, from: Data(match.3.utf8)))
        }
        // One start and one end per flow (source port and protocol), with the flow's bytes at the end.
        let starts = documents.filter { $0["flow-lifecycle"]?["state"]?.string == "start" }
        let ends = documents.filter { $0["flow-lifecycle"]?["state"]?.string == "end" }
        #expect(starts.count == ends.count)
        let key = { (document: JSONValue) in "\(document["flow-id"]?["protocol"]?.string ?? "")/\(document["flow-id"]?["src-ip"]?.string ?? ""):\(document["flow-id"]?["src-port"]?.number ?? 0)" }
        #expect(Set(starts.map(key)) == Set(ends.map(key)))
        #expect(Set(documents.compactMap { $0["flow-id"]?["afi"]?.string }) == ["ipv4", "ipv6"])
        #expect(ends.allSatisfy { ($0["usage"]?["sent"]?.number ?? 0) > 0 && $0["usage"]?["sent"] == $0["usage"]?["received"] })
        #expect(documents.allSatisfy { $0["context"]?["experiment-id"] == 65 && $0["context"]?["activity-id"] == 2 })

        #expect(try Self.schemaErrors(documents) == [])
        // The validator is real: documents that break the schema are caught.
        var wrongFamily = try #require(starts.first)
        wrongFamily = wrongFamily.applyingMergePatch(.object(["flow-id": .object(["afi": wrongFamily["flow-id"]?["afi"] == "ipv4" ? "ipv6" : "ipv4"])]))
        let noEndTime = try #require(ends.first).applyingMergePatch(.object(["flow-lifecycle": .object(["end-time": .null])]))
        let badTime = try #require(ends.first).applyingMergePatch(.object(["flow-lifecycle": .object(["start-time": "yesterday"])]))
        #expect(try Self.schemaErrors([wrongFamily, noEndTime, badTime]).count == 3)
    }

    /// The schema validator's complaints, one line per invalid document.
    static func schemaErrors(_ documents: [JSONValue]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fireflies-\(UUID().uuidString).json")
        try JSONEncoder().encode(JSONValue.array(documents)).write(to: file)
        let root = RepositoryFile.root
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", root.appendingPathComponent("scripts/firefly-check.py").path,
            root.appendingPathComponent("Tests/FlowFixtures/firefly.schema.json").path, file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 2, "\(text)")
        return text.split(separator: "\n").map(String.init)
    }
}

/// RFC 3339 timestamps as the syslog header carries them.
enum RFC3339 {
    static func parses(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/#) != nil
    }
}
