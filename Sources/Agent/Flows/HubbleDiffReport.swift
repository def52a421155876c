import Foundation

/// What `flowtest-agent flows diff` prints: every flow with what Hubble saw of it, and totals.
struct HubbleDiffReport: Encodable {
    struct Flow: Encodable {
        var agent: String?
        var flowID: UInt64?
        var proto: String
        var source: String
        var destination: String
        /// The echo's side: the backend that answered (after DNAT), when there is an echo record.
        var backend: String?
        var timeFlowStart: String
        var timeFlowEnd: String
        var status: String
        var verdicts: [String: Int]
        var replies: Int

        enum CodingKeys: String, CodingKey {
            case agent, proto, source, destination, backend, status, verdicts, replies
            case flowID = "flow_id"
            case timeFlowStart = "time_flow_start"
            case timeFlowEnd = "time_flow_end"
        }
    }

    struct Totals: Encodable {
        var flows: Int
        var seen: Int
        var droppedByPolicy: Int
        var missing: Int
        var noTuple: Int
        var hubbleFlows: Int

        enum CodingKeys: String, CodingKey {
            case flows, seen, missing
            case droppedByPolicy = "dropped_by_policy"
            case noTuple = "no_tuple"
            case hubbleFlows = "hubble_flows"
        }
    }

    var flows: [Flow]
    var totals: Totals

    init(_ join: HubbleJoin, hubbleFlows: Int) {
        func endpoint(_ address: String, _ port: Int) -> String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
        flows = join.matches.map { match in
            Flow(
                agent: match.flow.agent, flowID: match.flow.flowID, proto: match.flow.transport.rawValue.uppercased(),
                source: endpoint(match.flow.sourceAddress, match.flow.sourcePort),
                destination: endpoint(match.flow.destinationAddress, match.flow.destinationPort),
                backend: match.echo.map { endpoint($0.destinationAddress, $0.destinationPort) },
                timeFlowStart: RFC3339Time.format(match.flow.startNanoseconds), timeFlowEnd: RFC3339Time.format(match.flow.endNanoseconds),
                status: Self.statusName(match.status), verdicts: match.verdicts, replies: match.replies)
        }
        totals = Totals(
            flows: join.matches.count, seen: join.count(.seen) + join.count(.droppedByPolicy), droppedByPolicy: join.count(.droppedByPolicy),
            missing: join.count(.missing), noTuple: join.count(.noTuple), hubbleFlows: hubbleFlows)
    }

    private static func statusName(_ status: HubbleJoin.Match.Status) -> String {
        switch status {
        case .seen: "seen"
        case .droppedByPolicy: "dropped_by_policy"
        case .missing: "missing"
        case .noTuple: "no_tuple"
        }
    }

    /// The report as one JSON document, keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
