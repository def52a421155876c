import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// `flows diff` against Hubble's own JSON (`hubble observe -o jsonpb`, flow.proto's field names),
/// on a recorded Service-mode sample (Tests/FlowFixtures): generator pod 10.244.1.5 dials the
/// VIP 10.96.120.7:8080, the echo pod 10.244.2.9 answers; a second generator reuses flow id 0.
@Suite("Flows: the Hubble join")
struct HubbleDiffTests {
    private static func fixture(_ name: String) -> String {
        RepositoryFile.root.appendingPathComponent("Tests/FlowFixtures/\(name)").path
    }

    private func join(_ hubble: String) throws -> HubbleJoin {
        let records = try FlowLogRecordReader.read(try FlowInputFile.read(Self.fixture("flows-kubectl.log")), source: "flows").records
        let index = try HubbleFlowIndex(jsonLines: try FlowInputFile.read(Self.fixture(hubble)), source: hubble)
        return HubbleJoin(records: records, hubble: index, slackNanoseconds: 1_000_000_000)
    }

    private func status(_ join: HubbleJoin, agent: String = "mesh-generator-0", flow: UInt64) -> HubbleJoin.Match? {
        join.matches.first { $0.flow.agent == agent && $0.flow.flowID == flow }
    }

    @Test func everyFlowIsFoundInASampleThatHasThemAll() throws {
        let join = try join("hubble-all.jsonl")
        #expect(join.matches.count == 6, "generator records only; echo records give the backend side")
        // Seen on the backend address (socket load balancing), with its reply.
        #expect(status(join, flow: 0)?.status == .seen && status(join, flow: 0)?.replies == 1)
        #expect(status(join, flow: 0)?.echo?.destinationAddress == "10.244.2.9")
        // Seen towards the VIP, before the translation, and the backend's reply.
        #expect(status(join, flow: 1)?.status == .seen && status(join, flow: 1)?.verdicts == ["FORWARDED": 2])
        // Only replies: the flow matched in the other direction.
        #expect(status(join, flow: 2)?.status == .seen && status(join, flow: 2)?.replies == 1)
        #expect(status(join, flow: 2)?.verdicts == ["FORWARDED": 1], "the event 30 s later is another flow's")
        // Never reached the echo: found at the VIP's backend, dropped by policy.
        #expect(status(join, flow: 3)?.status == .droppedByPolicy && status(join, flow: 3)?.verdicts == ["DROPPED:POLICY_DENIED": 2])
        #expect(status(join, flow: 4)?.status == .noTuple)
        // The same flow id from another generator pairs with its own echo record.
        let other = try #require(status(join, agent: "mesh-generator-1", flow: 0))
        #expect(other.status == .seen && other.echo?.sourceAddress == "10.244.3.4")
        #expect(join.count(.missing) == 0)
    }

    @Test func flowsRemovedFromTheSampleAreReportedMissing() throws {
        let join = try join("hubble-some-missing.jsonl")
        #expect(join.matches.filter { $0.status == .missing }.compactMap(\.flow.flowID).sorted() == [1, 2])
        #expect(join.count(.seen) == 2 && join.count(.droppedByPolicy) == 1)
    }

    /// The command: a JSON report, totals on stderr, exit 1 when flows are missing (a CI gate).
    @Test(arguments: [("hubble-all.jsonl", Int32(0), 0), ("hubble-some-missing.jsonl", 1, 2)])
    func theCommandExitsNonZeroWhenFlowsAreMissing(hubble: String, code: Int32, missing: Int) async throws {
        let result = try await AgentProcess.run(["flows", "diff", "--hubble", Self.fixture(hubble), Self.fixture("flows-kubectl.log")])
        #expect(result.code == code, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["missing"] == missing && totals["flows"] == 6 && totals["no_tuple"] == 1 && totals["dropped_by_policy"] == 1)
        #expect(result.err.contains("\(missing) missing"))
    }

    @Test(arguments: [
        ("{\"flow\":{\"time\":\"2026-12-01T09:14:06Z\"\n", "line 1: not a JSON object (expected JSON Lines from `hubble observe -o jsonpb`)"),
        ("\n[1,2]\n", "line 2: not a JSON object"),
        (#"{"flow":{"time":"yesterday","IP":{"source":"a","destination":"b"},"l4":{"TCP":{}}}}"# + "\n", "line 1: flow.time is not an RFC 3339 time"),
        (#"{"flow":{"time":"2026-12-01T09:14:06Z","l4":{"UDP":{"source_port":1}}}}"# + "\n", "line 1: flow.IP.source and flow.IP.destination are required"),
    ])
    func aHubbleFileThatIsNotJSONLinesIsOneLineNamingTheLine(content: String, message: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubble-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await AgentProcess.run(["flows", "diff", "--hubble", path, Self.fixture("flows-kubectl.log")])
        #expect(result.code == 2)
        #expect(result.err.hasPrefix("flowtest-agent: error: \(path) \(message)"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
    }

    @Test func convertTurnsKubectlLogsIntoACleanFile() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("flows-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await AgentProcess.run(["flows", "convert", "--to", "csv", "-o", output, Self.fixture("flows-kubectl.log")])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err == "10 flow records written; 3 other lines skipped\n")
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 11 && lines[0].hasPrefix("ts,te,td,pr,sa,sp,da,dp,ibyt,obyt,ipkt,opkt"))
        let bad = try await AgentProcess.run(["flows", "convert", "--to", "xml", Self.fixture("flows-kubectl.log")])
        #expect(bad.code == 64 && bad.err.hasPrefix(#"flowtest-agent: error: invalid value "xml" for --to"#), "\(bad.err)")
    }
}
