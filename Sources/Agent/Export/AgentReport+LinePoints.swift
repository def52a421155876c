import FlowTestShared

extension AgentReport {
    /// The report as line-protocol points at `time` (ns since the epoch), tagged with `identity`:
    /// the same absolute, cumulative figures the status holds (docs/influxdb.md).
    func linePoints(_ identity: ExportIdentity, time: Int64) -> [LinePoint] {
        var points: [LinePoint] = []
        func point(_ measurement: String, _ extra: [String: String] = [:], _ fields: [(String, LinePoint.Value)]) {
            points.append(LinePoint(
                measurement: measurement, tags: identity.tags.merging(extra) { $1 }, fields: fields.map { (key: $0.0, value: $0.1) },
                time: time))
        }
        func integer(_ value: UInt64) -> LinePoint.Value { .integer(Int64(clamping: value)) }
        for (transport, counters) in [(Transport.tcp, tcp), (.udp, udp)] {
            guard let counters else { continue }
            let protocolTag = ["protocol": transport.rawValue]
            point("flowtest_flows", protocolTag, [
                ("started", integer(counters.flowsStarted)), ("completed", integer(counters.flowsCompleted)),
                ("failed", integer(counters.flowsFailed)),
            ])
            for (reason, count) in counters.failures.sorted(by: { $0.key < $1.key }) {
                point("flowtest_flow_failures", protocolTag.merging(["reason": reason]) { $1 }, [("count", integer(count))])
            }
            var traffic: [(String, LinePoint.Value)] = [
                ("bytes_sent", integer(counters.bytesSent)), ("bytes_received", integer(counters.bytesReceived)),
                ("messages_sent", integer(counters.messagesSent)), ("messages_received", integer(counters.messagesReceived)),
            ]
            if transport == .tcp { traffic.append(("retransmits", integer(counters.tcpRetransmits))) }
            point("flowtest_traffic", protocolTag, traffic)
            if transport == .udp {
                point("flowtest_udp", protocolTag, [
                    ("lost", integer(counters.udpLost)), ("duplicates", integer(counters.udpDuplicates)),
                    ("reordered", integer(counters.udpReordered)), ("jitter_ms", .float(counters.udpMeanJitterSeconds * 1000)),
                ])
            }
        }
        if let rtt, rtt.count > 0 {
            point("flowtest_rtt", [:], [
                ("count", integer(rtt.count)),
                ("p50_ms", .float(rtt.percentileMilliseconds(50) ?? 0)), ("p90_ms", .float(rtt.percentileMilliseconds(90) ?? 0)),
                ("p99_ms", .float(rtt.percentileMilliseconds(99) ?? 0)), ("max_ms", .float(Double(rtt.maxNanoseconds) / 1e6)),
            ])
        }
        for (name, figures) in (patterns ?? [:]).sorted(by: { $0.key < $1.key }) {
            let flows = figures.flows
            point("flowtest_traffic_pattern", ["traffic_pattern": name], [
                ("started", integer(flows.flowsStarted)), ("completed", integer(flows.flowsCompleted)), ("failed", integer(flows.flowsFailed)),
                ("bytes_sent", integer(flows.bytesSent)), ("bytes_received", integer(flows.bytesReceived)),
                ("rtt_p50_ms", .float(figures.rtt.percentileMilliseconds(50) ?? 0)), ("rtt_p99_ms", .float(figures.rtt.percentileMilliseconds(99) ?? 0)),
                ("udp_lost", integer(flows.udpLost)), ("udp_jitter_ms", .float(flows.udpMeanJitterSeconds * 1000)),
            ])
        }
        if tcp != nil || udp != nil {
            point("flowtest_generator", [:], [("flows_skipped", integer(flowsSkipped ?? 0)), ("elapsed_seconds", .float(elapsedSeconds ?? 0))])
        }
        for listener in listeners ?? [] {
            point("flowtest_echo", ["protocol": listener.protocol.rawValue, "port": String(listener.port)], [
                ("connections_accepted", integer(listener.connectionsAccepted)), ("connections_active", .integer(Int64(listener.connectionsActive))),
                ("connections_refused", integer(listener.connectionsRefused)), ("connections_timed_out", integer(listener.connectionsTimedOut)),
                ("bytes_received", integer(listener.bytesReceived)), ("bytes_sent", integer(listener.bytesSent)),
                ("datagrams_received", integer(listener.datagramsReceived)), ("datagrams_sent", integer(listener.datagramsSent)),
                ("sized_responses", integer(listener.sizedResponses)), ("malformed_requests", integer(listener.malformedRequests)),
            ])
        }
        if let disruption {
            point("flowtest_disruption", [:], [
                ("outages", .integer(disruption.outages)), ("active_outages", .integer(disruption.activeOutages)),
                ("disrupted_seconds", .float(disruption.disruptedSeconds)), ("longest_outage_ms", .float(disruption.longestOutageMilliseconds)),
                ("intervals", .integer(disruption.intervalCount)), ("connections_lost", .integer(disruption.connectionsLost)),
                ("connections_reestablished", .integer(disruption.connectionsReestablished)), ("messages_lost", .integer(disruption.messagesLost)),
            ])
            // The new connections' timeline apart, as in the status: a measurement of its own.
            if let fresh = disruption.newConnections {
                point("flowtest_new_connections", [:], [
                    ("attempts", .integer(fresh.attempts)), ("failures", .integer(fresh.failures)),
                    ("outages", .integer(fresh.outages)), ("active_outages", .integer(fresh.activeOutages)),
                    ("disrupted_seconds", .float(fresh.disruptedSeconds)), ("longest_outage_ms", .float(fresh.longestOutageMilliseconds)),
                    ("intervals", .integer(fresh.intervalCount)), ("resolution_ms", .float(fresh.resolutionMilliseconds)),
                ])
            }
        }
        return points
    }
}
