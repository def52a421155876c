import FlowTestShared
import Foundation

/// One L4 flow event of Hubble, as `hubble observe -o jsonpb` writes it (flow.proto's JSON names):
/// `{"flow":{"time":…,"verdict":…,"drop_reason_desc":…,"IP":{"source":…,"destination":…},
/// "l4":{"TCP"|"UDP":{"source_port":…,"destination_port":…}},"is_reply":…},"node_name":…}`.
struct HubbleFlow: Sendable, Equatable {
    var timeNanoseconds: Int64
    var verdict: String
    /// Why it was dropped (`POLICY_DENIED`, …); nil unless the verdict is DROPPED.
    var dropReason: String?
    var transport: Transport
    var sourceAddress: String
    var sourcePort: Int
    var destinationAddress: String
    var destinationPort: Int
    var isReply: Bool

    /// The Hubble flow in one line of `hubble observe -o jsonpb` output: nil for an event that is
    /// no TCP or UDP flow (agent and debug events, ICMP, lost events), a failure for a flow that
    /// is not well-formed.
    static func parse(_ object: [String: Any]) -> Result<HubbleFlow?, HubbleFlowError> {
        // jsonpb output wraps the flow in a GetFlowsResponse; a bare flow object is taken too.
        guard let flow = (object["flow"] as? [String: Any]) ?? (object["IP"] != nil ? object : nil) else { return .success(nil) }
        guard let l4 = flow["l4"] as? [String: Any] else { return .success(nil) }
        let layer: (Transport, [String: Any])? =
            if let tcp = l4["TCP"] as? [String: Any] { (.tcp, tcp) } else if let udp = l4["UDP"] as? [String: Any] { (.udp, udp) } else { nil }
        guard let (transport, ports) = layer else { return .success(nil) }
        guard let ip = flow["IP"] as? [String: Any], let source = ip["source"] as? String, let destination = ip["destination"] as? String
        else { return .failure(HubbleFlowError("flow.IP.source and flow.IP.destination are required")) }
        guard let timeText = flow["time"] as? String, let time = RFC3339Time.parse(timeText) else {
            return .failure(HubbleFlowError("flow.time is not an RFC 3339 time"))
        }
        // proto3 JSON leaves out zero values: a missing port is 0, a missing is_reply false.
        let sourcePort = (ports["source_port"] as? Int) ?? 0
        let destinationPort = (ports["destination_port"] as? Int) ?? 0
        let verdict = (flow["verdict"] as? String) ?? "VERDICT_UNKNOWN"
        return .success(HubbleFlow(
            timeNanoseconds: time, verdict: verdict, dropReason: verdict == "DROPPED" ? (flow["drop_reason_desc"] as? String) ?? "UNKNOWN" : nil,
            transport: transport, sourceAddress: source, sourcePort: sourcePort, destinationAddress: destination,
            destinationPort: destinationPort, isReply: (flow["is_reply"] as? Bool) ?? false))
    }
}
