import Foundation

/// Every TCP and UDP flow of a Hubble capture, found by its two ends in either direction.
struct HubbleFlowIndex {
    private(set) var flows: [FlowEndpointPair: [HubbleFlow]] = [:]
    /// Flow events read, and lines that held something else (other events, ICMP).
    private(set) var flowCount = 0
    private(set) var otherLines = 0

    /// Reads `hubble observe -o jsonpb` output; a line that is not JSON, or a flow without its
    /// addresses or time, is an error naming the line.
    init(jsonLines text: String, source: String) throws(FlowInputError) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FlowInputError(
                    source: source, line: index + 1, problem: "not a JSON object (expected JSON Lines from `hubble observe -o jsonpb`)")
            }
            switch HubbleFlow.parse(object) {
            case .failure(let error):
                throw FlowInputError(source: source, line: index + 1, problem: error.problem)
            case .success(nil):
                otherLines += 1
            case .success(let flow?):
                flowCount += 1
                let key = FlowEndpointPair(
                    flow.transport, .init(address: flow.sourceAddress, port: flow.sourcePort),
                    .init(address: flow.destinationAddress, port: flow.destinationPort))
                flows[key, default: []].append(flow)
            }
        }
    }

    /// The flows between the two ends of `pair`, either way, between `start` and `end`.
    func flows(_ pair: FlowEndpointPair, from start: Int64, to end: Int64) -> [HubbleFlow] {
        (flows[pair] ?? []).filter { $0.timeNanoseconds >= start && $0.timeNanoseconds <= end }
    }
}
