/// Finds the echo's record of a generator's flow: same protocol and flow id (from the FlowTest
/// header), the same client port unless a NAT changed it, and the nearest start.
///
/// Flow ids restart at 0 in every generator, so the id alone is not enough with several.
struct EchoRecordMatcher {
    private struct Key: Hashable {
        var transport: String
        var flowID: UInt64
    }

    private let byFlow: [Key: [FlowLogRecord]]

    init(_ echoes: [FlowLogRecord]) {
        var byFlow: [Key: [FlowLogRecord]] = [:]
        for echo in echoes {
            guard let flowID = echo.flowID else { continue }
            byFlow[Key(transport: echo.transport.rawValue, flowID: flowID), default: []].append(echo)
        }
        self.byFlow = byFlow
    }

    /// The echo record of `flow`, if one is within a second of its start.
    func match(_ flow: FlowLogRecord) -> FlowLogRecord? {
        guard let flowID = flow.flowID, flow.sourcePort != 0,
            let candidates = byFlow[Key(transport: flow.transport.rawValue, flowID: flowID)]
        else { return nil }
        let samePort = candidates.filter { $0.sourcePort == flow.sourcePort }
        let nearest = (samePort.isEmpty ? candidates : samePort).min { distance($0, flow) < distance($1, flow) }
        return nearest.flatMap { distance($0, flow) <= 1_000_000_000 ? $0 : nil }
    }

    private func distance(_ echo: FlowLogRecord, _ flow: FlowLogRecord) -> Int64 {
        abs(echo.startNanoseconds - flow.startNanoseconds)
    }
}
