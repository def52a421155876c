/// The client side of one flow's conversation in its protocol: what to send, and when the
/// server's reply is complete.
///
/// A flow drives it as a state machine: `nextOpening` until it says `.ready` (sending what it
/// appends and, on `.awaitReply`, feeding the server's bytes to `consume` until it returns
/// true), then `appendRequest` and `consume` once per exchange. The round trip is the flow's
/// own: first byte of the request written to the last byte of the response read.
public struct ClientConversation: Sendable {
    /// The largest request or response a conversation asks for, as the mix's validation allows.
    public static let largestMessage = 16_777_216
    public let wireProtocol: WireProtocol
    private var dialect: any ClientDialect

    /// A conversation in `wireProtocol` that uses `names` for Host, path, SNI and DNS name, and
    /// says it is flow `flowID` in a place its protocol allows (a header, a startup parameter, a
    /// comment), so the echo's flow log names the flow as the generator's does.
    public init(_ wireProtocol: WireProtocol, names: ProtocolNames = .defaults, flowID: UInt64 = 0) {
        self.wireProtocol = wireProtocol
        switch wireProtocol {
        case .http: dialect = HTTPClientDialect(names: names, flowID: flowID)
        case .tls: dialect = TLSClientDialect(serverName: names.host, flowID: flowID)
        case .dns: dialect = DNSStreamClientDialect(name: names.dnsName, flowID: flowID)
        case .redis: dialect = RedisClientDialect(flowID: flowID)
        case .postgresql: dialect = PostgresClientDialect(flowID: flowID)
        case .mysql: dialect = MySQLClientDialect(flowID: flowID)
        case .mongodb: dialect = MongoClientDialect(flowID: flowID)
        case .ssh: dialect = SSHClientDialect(flowID: flowID)
        case .smtp: dialect = SMTPClientDialect(host: names.host, flowID: flowID)
        case .ftp: dialect = FTPClientDialect(flowID: flowID)
        }
    }

    /// Appends the opening's next step to `out` (possibly nothing) and says what follows it.
    public mutating func nextOpening(into out: inout [UInt8]) -> OpeningStep {
        dialect.openingStep(into: &out)
    }

    /// Appends one request of `size` bytes (or the protocol's smallest, if larger) that asks
    /// for a response of `responseSize` bytes.
    public mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        // Out-of-range sizes (validation keeps them 32 B...16 MiB) become the nearest legal ones.
        let range = 0...Self.largestMessage
        dialect.appendRequest(size: size.clamped(to: range), responseSize: responseSize.clamped(to: range), into: &out)
    }

    /// Feeds the server's bytes; true once the awaited reply (opening or response) is complete.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        try dialect.consume(bytes)
    }

    /// Appends the protocol's goodbye, for a flow that ends cleanly; true when the server
    /// answers it (SMTP's and FTP's 221), and `consume` then says when the answer is complete.
    public mutating func appendFarewell(into out: inout [UInt8]) -> Bool {
        dialect.appendFarewell(into: &out)
    }
}
