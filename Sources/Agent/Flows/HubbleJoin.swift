/// Whether Hubble saw each flow FlowTest made: the ground truth (the generators' records, with
/// the echo's record of the same flow for the backend side) against Hubble's flow events.
///
/// A flow matches a Hubble event with the same protocol whose two ends are the flow's, in either
/// direction (replies included), within the flow's time window widened by `slack`. The flow's
/// ends are taken as the generator saw them (its socket, and the address it dialled: the Service
/// VIP in Service mode) and as the echo saw them (the client after any SNAT, the backend pod
/// after DNAT), in every combination, since Hubble may report either side of a translation. A
/// flow with no echo record (a connect that failed: a SYN a policy dropped never reaches the
/// echo) is looked for at every backend its dialled address was seen to lead to in this run.
struct HubbleJoin {
    /// What became of one flow.
    struct Match: Sendable {
        enum Status: String, Sendable {
            /// Hubble reported it, with no policy drop.
            case seen
            /// Hubble reported it dropped by policy.
            case droppedByPolicy
            /// Hubble has no event of it.
            case missing
            /// The flow never had a socket (a failed name lookup, no descriptor, a failed
            /// connect): there is no 5-tuple to look for.
            case noTuple
        }

        var flow: FlowLogRecord
        /// The echo's record of the same flow, if there was one.
        var echo: FlowLogRecord?
        var status: Status
        /// Hubble's verdicts for it, with how many events had each (`DROPPED` as `DROPPED:reason`).
        var verdicts: [String: Int]
        var replies: Int
    }

    let matches: [Match]

    init(records: [FlowLogRecord], hubble: HubbleFlowIndex, slackNanoseconds: Int64) {
        let matcher = EchoRecordMatcher(records.filter { $0.role == .echo })
        let flows = records.filter { $0.role == .generator }
        let echoes = flows.map(matcher.match)
        // Where each dialled address was seen to lead: the Service's backends, for a VIP.
        var backends: [FlowEndpointPair.Endpoint: Set<FlowEndpointPair.Endpoint>] = [:]
        for (flow, echo) in zip(flows, echoes) {
            guard let echo else { continue }
            backends[.init(address: flow.destinationAddress, port: flow.destinationPort), default: []]
                .insert(.init(address: echo.destinationAddress, port: echo.destinationPort))
        }
        matches = zip(flows, echoes).map { flow, echo in
            guard flow.sourcePort != 0 else { return Match(flow: flow, echo: echo, status: .noTuple, verdicts: [:], replies: 0) }
            let dialled = FlowEndpointPair.Endpoint(address: flow.destinationAddress, port: flow.destinationPort)
            var clients: Set<FlowEndpointPair.Endpoint> = [.init(address: flow.sourceAddress, port: flow.sourcePort)]
            var servers: Set<FlowEndpointPair.Endpoint> = [dialled]
            if let echo {
                clients.insert(.init(address: echo.sourceAddress, port: echo.sourcePort))
                servers.insert(.init(address: echo.destinationAddress, port: echo.destinationPort))
            } else {
                servers.formUnion(backends[dialled] ?? [])
            }
            var seen: [HubbleFlow] = []
            for client in clients {
                for server in servers {
                    seen += hubble.flows(
                        FlowEndpointPair(flow.transport, client, server), from: flow.startNanoseconds - slackNanoseconds,
                        to: flow.endNanoseconds + slackNanoseconds)
                }
            }
            var verdicts: [String: Int] = [:]
            for event in seen { verdicts[event.dropReason.map { "DROPPED:\($0)" } ?? event.verdict, default: 0] += 1 }
            let status: Match.Status =
                seen.isEmpty ? .missing : seen.contains(where: { $0.dropReason == "POLICY_DENIED" }) ? .droppedByPolicy : .seen
            return Match(flow: flow, echo: echo, status: status, verdicts: verdicts, replies: seen.count(where: \.isReply))
        }
    }

    /// How many flows ended with `status`.
    func count(_ status: Match.Status) -> Int {
        matches.count { $0.status == status }
    }
}
