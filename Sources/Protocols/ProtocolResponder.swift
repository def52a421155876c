/// The echo's one entry point to the protocols: picks a connection's or a datagram's protocol
/// from its first bytes, and answers its requests as that protocol's server would.
///
/// Any data plane calls it the same way (NIO's handlers, an epoll loop): give it the bytes
/// read, write what it appends, count `answered` and `malformed`, and close when told. A stream
/// it does not recognise (FlowTest's own `FTH1`/`FTH2` framing, anything else) gets nil, and
/// the caller keeps its own echo for it, so plain echo clients never see a difference.
public struct ProtocolResponder: Sendable {
    public let wireProtocol: WireProtocol
    private var dialect: any ServerDialect

    /// The responder for a connection accepted on `port` when that port's server speaks first
    /// (MySQL's greeting, SMTP's and FTP's 220): the greeting is appended to `out`, to be
    /// written at once. Nil on other ports: wait for the client's first bytes (`firstBytes:`).
    /// `port` is the one the FlowTest names (with `--any-ports`, not the one bound).
    public init?(acceptedOn port: Int, greeting out: inout [UInt8]) {
        guard let wire = WireProtocol.serverFirst(onPort: port) else { return nil }
        wireProtocol = wire
        switch wire {
        case .mysql: dialect = MySQLServerDialect(greeting: &out)
        case .smtp: dialect = SMTPServerDialect(greeting: &out)
        default: dialect = FTPServerDialect(greeting: &out)
        }
    }

    /// The responder for a TCP connection whose first read is `firstBytes`; nil when they start
    /// no protocol here. A client writes its first request at once, so its first segment holds
    /// what tells it apart (at most 12 bytes).
    public init?(firstBytes: UnsafeRawBufferPointer) {
        guard !Self.startsFlowTestFraming(firstBytes) else { return nil }
        if HTTPServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.http, HTTPServerDialect())
        } else if TLSServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.tls, TLSServerDialect())
        } else if PostgresServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.postgresql, PostgresServerDialect())
        } else if RedisServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.redis, RedisServerDialect())
        } else if MongoServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.mongodb, MongoServerDialect())
        } else if SSHServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.ssh, SSHServerDialect())
        } else if DNSStreamServerDialect.recognizes(firstBytes) {
            (wireProtocol, dialect) = (.dns, DNSStreamServerDialect())
        } else {
            return nil
        }
    }

    /// Reads the next bytes of the connection and appends the responses they complete.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = dialect.consume(bytes, into: &out)
        outcome.flowID = dialect.flowID
        return outcome
    }

    /// The answer to one datagram: nil when it is not a protocol's (the caller echoes it as
    /// before); otherwise the reply appended to `out` (empty when nothing can be sent back, as
    /// for a datagram too short to carry a DNS ID) and whether the request was malformed.
    public static func answerDatagram(_ datagram: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome? {
        guard !startsFlowTestFraming(datagram), DNSMessage.looksLikeQuery(datagram) else { return nil }
        do throws(ProtocolError) {
            let query = try DNSQuery(parsing: datagram)
            DNSMessage.appendAnswer(to: query, in: datagram, into: &out)
            return ResponderOutcome(answered: 1, flowID: query.flowID)
        } catch {
            DNSMessage.appendFormatError(for: datagram, into: &out)
            return ResponderOutcome(malformed: error)
        }
    }

    /// The flow id a protocol's datagram carries (a DNS query's EDNS option 65002), for a flow
    /// log that reads datagrams apart from answering them; nil for any other datagram.
    public static func flowID(inDatagram datagram: UnsafeRawBufferPointer) -> UInt64? {
        guard !startsFlowTestFraming(datagram), DNSMessage.looksLikeQuery(datagram) else { return nil }
        return (try? DNSQuery(parsing: datagram))?.flowID
    }

    /// FlowTest's own headers, `FTH1` and `FTH2`: the caller's framing, never a protocol's.
    static func startsFlowTestFraming(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4 else { return false }
        let magic: UInt32 = bytes.bigEndian(at: 0)
        return magic == 0x4654_4831 || magic == 0x4654_4832
    }
}
