import FlowTestShared
import NIOCore

/// The bytes of a SciTags firefly: the syslog header `<134>1 TIMESTAMP HOSTNAME flowtest -
/// firefly-json - ` (facility local0, severity informational, RFC 5424) and the firefly JSON of
/// schema version 1 (Tests/FlowFixtures/firefly.schema.json).
///
/// Built by hand rather than with JSONEncoder: every value is a number, an address, a fixed word
/// or a timestamp, none of which needs escaping, and a firefly is built for every flow start and end.
enum FireflyMessage {
    /// The `application` of the firefly's context.
    static let application = "flowtest"

    /// The datagram announcing `event` of a flow tagged `scitag`, sent from `hostname` at `now` (Unix nanoseconds).
    static func text(_ event: FireflyEvent, scitag: SciTag, hostname: String, now: Int64) -> String {
        var lifecycle = #""state":"\#(event.state.rawValue)","start-time":"\#(RFC3339Time.format(event.startTime))""#
        if let end = event.endTime { lifecycle += #","end-time":"\#(RFC3339Time.format(end))""# }
        lifecycle += #","current-time":"\#(RFC3339Time.format(now))""#
        let afi = event.isIPv6 ? "ipv6" : "ipv4"
        var json = #"{"version":1,"flow-lifecycle":{\#(lifecycle)},"#
        json += #""flow-id":{"afi":"\#(afi)","src-ip":"\#(event.sourceAddress)","dst-ip":"\#(event.destinationAddress)","#
        json += #""protocol":"\#(event.transport.rawValue)","src-port":\#(event.sourcePort),"dst-port":\#(event.destinationPort)},"#
        json += #""context":{"experiment-id":\#(scitag.experiment),"activity-id":\#(scitag.activity),"application":"\#(application)"}"#
        if let usage = event.usage { json += #","usage":{"received":\#(usage.received),"sent":\#(usage.sent)}"# }
        json += "}"
        return "<134>1 \(RFC3339Time.format(now)) \(hostname) flowtest - firefly-json - " + json
    }

    /// Whether `bytes` start like a firefly (the echo counts those it receives).
    static func looksLikeFirefly(_ buffer: ByteBuffer) -> Bool {
        guard let head = buffer.getString(at: buffer.readerIndex, length: min(buffer.readableBytes, 128)) else { return false }
        return head.hasPrefix("<134>1 ") && head.contains(" firefly-json - ")
    }
}
