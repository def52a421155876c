import Testing
@testable import FlowTestProtocols

/// Bytes a protocol does not allow get that protocol's error and the connection closed, never a
/// crash or a stall; streams of no protocol are left to the echo.
@Suite("Protocols: the echo's answers to malformed requests")
struct MalformedRequestTests {
    static func respond(_ pieces: [[UInt8]]) -> (wire: WireProtocol?, reply: String, outcome: ResponderOutcome) {
        var responder: ProtocolResponder?
        var reply: [UInt8] = []
        var total = ResponderOutcome()
        for piece in pieces {
            piece.withUnsafeBytes { bytes in
                if responder == nil { responder = ProtocolResponder(firstBytes: bytes) }
                guard responder != nil, total.malformed == nil else { return }
                let outcome = responder!.consume(bytes, into: &reply)
                total.answered += outcome.answered
                total.malformed = total.malformed ?? outcome.malformed
            }
        }
        return (responder?.wireProtocol, String(decoding: reply, as: UTF8.self), total)
    }

    @Test(arguments: [
        ("GET /x HTTP/1.1\r\nHost: a\r\nbroken line\r\n\r\n", "header line"),
        ("GET /x HTTP/2.0\r\nHost: a\r\n\r\n", "request line"),
        ("GET /x HTTP/1.1\r\n\r\n", "without a Host"),
        ("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", "content-length"),
        ("GET /x HTTP/1.1\r\nHost: a\r\nX-FlowTest-Response-Size: 99999999999\r\n\r\n", "x-flowtest-response-size"),
    ])
    func httpAnswers400(_ request: String, _ reason: String) {
        let (wire, reply, outcome) = Self.respond([Array(request.utf8)])
        #expect(wire == .http)
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(reply)")
        #expect(outcome.malformed?.reason.contains(reason) == true, "\(String(describing: outcome.malformed))")
    }

    @Test func anEndlessHTTPHeadIsRefusedAtItsLimit() {
        let pieces = [Array("GET / HTTP/1.1\r\nHost: a\r\nX: ".utf8)] + Array(repeating: [UInt8](repeating: 97, count: 4_096), count: 5)
        let (_, reply, outcome) = Self.respond(pieces)
        #expect(reply.hasPrefix("HTTP/1.1 400"))
        #expect(outcome.malformed != nil)
    }

    @Test func redisAnswersProtocolErrors() {
        let (wire, reply, outcome) = Self.respond([Array("*1\r\n$4\r\nPING\r\n*1\r\n!oops\r\n".utf8)])
        #expect(wire == .redis)
        #expect(reply.hasPrefix("+PONG\r\n-ERR Protocol error: "), "\(reply)")
        #expect(outcome.answered == 1 && outcome.malformed != nil)
        let unknown = Self.respond([Array("*1\r\n$5\r\nHELLO\r\n".utf8)])
        #expect(unknown.reply.hasPrefix("-ERR unknown command 'HELLO'") && unknown.outcome.malformed == nil)
    }

    @Test func postgresAnswersErrorResponses() {
        var startup: [UInt8] = []
        PostgresMessage.appendStartup(into: &startup)
        let (wire, reply, outcome) = Self.respond([startup, [UInt8(ascii: "Q"), 0, 0, 0, 2]])
        #expect(wire == .postgresql)
        #expect(reply.contains("\0C08P01\0") && reply.contains("message length 2"), "\(reply)")
        #expect(outcome.malformed != nil)
        let ssl = Self.respond([[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]])
        #expect(ssl.reply == "N" && ssl.outcome.malformed == nil)
    }

    @Test func tlsAnswersAFatalAlert() {
        var hello = TLSRecord.clientHello(serverName: "a.example", flowID: 1)
        hello += [0x17, 0x03, 0x03, 0xff, 0xff]
        let (wire, reply, outcome) = Self.respond([hello])
        #expect(wire == .tls)
        #expect(Array(reply.utf8).suffix(7) == [21, 3, 3, 0, 2, 2, 50])
        #expect(outcome.malformed?.reason.contains("record length 65535") == true)
    }

    /// The server-first protocols: a broken command gets the protocol's error after the greeting.
    @Test(arguments: [
        (25, "EHLO a\r\nXYZZY\r\n", "500 5.5.2 Error: command \"XYZZY\" not recognized"),
        (21, "USER a\r\nPASS b\r\nXYZZY\r\n", "500 command \"XYZZY\" not recognized"),
        (25, "EHLO a\nMAIL\r\n", "500 5.5.2 Error: a command line ended by LF alone"),
    ])
    func lineProtocolsAnswer500(port: Int, _ input: String, _ reply: String) {
        var greeting: [UInt8] = []
        var responder = ProtocolResponder(acceptedOn: port, greeting: &greeting)!
        #expect(String(decoding: greeting, as: UTF8.self).hasPrefix("220 "))
        var out: [UInt8] = []
        let outcome = Array(input.utf8).withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(String(decoding: out, as: UTF8.self).contains(reply), "\(String(decoding: out, as: UTF8.self))")
        #expect(outcome.malformed != nil && outcome.closes)
    }

    @Test func mysqlAnswersErrPackets() {
        var greeting: [UInt8] = []
        var responder = ProtocolResponder(acceptedOn: 3306, greeting: &greeting)!
        #expect(greeting[4] == 10)
        var out: [UInt8] = []
        let outcome = [UInt8]([5, 0, 0, 1, 0, 0, 0, 0, 0]).withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(out.count > 9 && out[4] == 0xff && String(decoding: out[7...], as: UTF8.self).hasPrefix("#08S01a login of 5 bytes"))
        #expect(outcome.malformed != nil)
        // A login long enough but without CLIENT_PROTOCOL_41 (0x0200; the old protocol's
        // capabilities here) is refused too: `&` once bound tighter than `|` and let it in.
        var old = ProtocolResponder(acceptedOn: 3306, greeting: &greeting)!
        var login: [UInt8] = []
        MySQLPacket.append([0x0f, 0xa0] + [UInt8](repeating: 0, count: 34), sequence: 1, into: &login)
        out = []
        let refused = login.withUnsafeBytes { old.consume($0, into: &out) }
        #expect(refused.malformed?.reason.contains("without CLIENT_PROTOCOL_41") == true && out[4] == 0xff, "\(out.prefix(12))")
    }

    @Test func sshAndMongoAnswerTheirErrors() {
        var ssh = Array("SSH-2.0-x\r\n".utf8) + [0, 0, 0, 3, 1, 0, 0, 0]
        var (wire, _, outcome) = Self.respond([ssh])
        #expect(wire == .ssh && outcome.malformed?.reason.contains("packet length 3") == true)
        ssh = Array("SSH-2.0-x\r\n".utf8)
        SSHPacket.append([30, 1, 2, 3], into: &ssh)
        (wire, _, outcome) = Self.respond([ssh])
        #expect(outcome.malformed?.reason.contains("message 30") == true)
        var mongo: [UInt8] = []
        MongoMessage.append(requestID: 9, responseTo: 0, [("find", .string("x"))], into: &mongo)
        mongo[21] = 99
        let reply: String
        (wire, reply, outcome) = Self.respond([mongo])
        #expect(wire == .mongodb && outcome.malformed != nil && reply.contains("BadValue"), "\(String(describing: outcome.malformed))")
    }

    @Test func streamsOfNoProtocolAreLeftToTheEcho() {
        for first in [[0x46, 0x54, 0x48, 0x32, 0, 0], [0x46, 0x54, 0x48, 0x31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], [7, 38, 69, 100, 131, 162, 193, 224], Array("hello".utf8)] {
            #expect(first.withUnsafeBytes { ProtocolResponder(firstBytes: $0) } == nil)
        }
    }

    /// The client side refuses what a real server might answer instead.
    @Test func clientsReportTheServersRefusals() throws {
        var http = ClientConversation(.http)
        var request: [UInt8] = []
        http.appendRequest(size: 300, responseSize: 100, into: &request)
        let refused = Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(throws: ProtocolError(.http, "status 403 Forbidden: expected 2xx")) { try refused.withUnsafeBytes { try http.consume($0) } }
        var redis = ClientConversation(.redis)
        redis.appendRequest(size: 64, responseSize: 64, into: &request)
        #expect(throws: ProtocolError.self) { try Array("-NOAUTH Authentication required.\r\n".utf8).withUnsafeBytes { try redis.consume($0) } }
        var postgres = ClientConversation(.postgresql)
        _ = postgres.nextOpening(into: &request)
        let password: [UInt8] = [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 5]
        #expect(throws: ProtocolError(.postgresql, "the server asks for authentication method 5: FlowTest connects as a trust user without a password")) {
            try password.withUnsafeBytes { try postgres.consume($0) }
        }
    }
}
