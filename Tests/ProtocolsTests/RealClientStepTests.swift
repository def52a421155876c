import Testing
@testable import FlowTestProtocols

/// What real clients send besides FlowTest's own requests, as RealClientTests found them, in
/// memory: the echo answers each as its protocol's server does, and counts none malformed.
@Suite("Protocols: the echo's answers to real clients' own steps")
struct RealClientStepTests {
    /// A logged-in MySQL connection's reply to one COM_QUERY of `text`.
    static func mysqlReply(to text: String) -> (reply: [UInt8], outcome: ResponderOutcome) {
        var greeting: [UInt8] = []
        var responder = ProtocolResponder(acceptedOn: 3306, greeting: &greeting)!
        var login: [UInt8] = []
        MySQLPacket.appendLogin(into: &login)
        var out: [UInt8] = []
        _ = login.withUnsafeBytes { responder.consume($0, into: &out) }
        var query: [UInt8] = []
        MySQLPacket.append([3] + Array(text.utf8), sequence: 0, into: &query)
        out = []
        let outcome = query.withUnsafeBytes { responder.consume($0, into: &out) }
        return (out, outcome)
    }

    /// PyMySQL sets the character set and autocommit after every login and reads one OK for
    /// each: a result set there put its next reads out of step ("Packet sequence number wrong").
    @Test(arguments: ["SET NAMES utf8mb4", "SET AUTOCOMMIT = 0", "begin", "COMMIT", "/* a comment */ INSERT INTO t VALUES (1)", "/* unclosed"])
    func mysqlAnswersStatementsWithoutRowsWithOK(_ text: String) {
        let (reply, outcome) = Self.mysqlReply(to: text)
        #expect(reply == [7, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0], "\(reply.prefix(16))")
        #expect(outcome.answered == 1 && outcome.malformed == nil)
    }

    /// Statements that read get a result set: the column count (1) first, then the sequence
    /// runs to the row's closing EOF (5).
    @Test(arguments: ["SELECT 1", "select REPEAT('x', 3)", "  (SELECT 1)", "/* c */ show tables", "WITH a AS (SELECT 1) SELECT * FROM a", "Desc t"])
    func mysqlAnswersReadingStatementsWithAResultSet(_ text: String) {
        let (reply, outcome) = Self.mysqlReply(to: text)
        #expect(reply.prefix(5) == [1, 0, 0, 1, 1] && reply[reply.count - 6] == 5, "\(reply.prefix(16))")
        #expect(outcome.answered == 1 && outcome.malformed == nil)
    }

    /// OpenSSH sends its KEXINIT only once it has read the server's version; then its key
    /// exchange message (ECDH_INIT, 30), which the echo ends with DISCONNECT 3 as valid SSH.
    @Test func sshAnswersTheVersionAtOnceAndEndsAKeyExchangeCleanly() {
        let version = Array("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n".utf8)
        var responder = version.withUnsafeBytes { ProtocolResponder(firstBytes: $0) }!
        var out: [UInt8] = []
        var outcome = version.withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(out == Array(SSHPacket.version.utf8) && outcome.malformed == nil && !outcome.closes)
        var kexInit: [UInt8] = []
        SSHPacket.appendKexInit(into: &kexInit)
        out = []
        outcome = kexInit.withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(out.count > 6 && out[5] == SSHPacket.kexInit && outcome.malformed == nil && !outcome.closes)
        var ecdhInit: [UInt8] = []
        SSHPacket.append([30, 0, 0, 0, 32] + [UInt8](repeating: 9, count: 32), into: &ecdhInit)
        out = []
        outcome = ecdhInit.withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(out.count > 10 && out[5] == SSHPacket.disconnect && out[6..<10] == [0, 0, 0, 3], "\(out.prefix(12))")
        #expect(outcome.malformed == nil && outcome.finished)
    }

    /// An OP_QUERY of `document` on `collection`, as a driver's legacy handshake sends it.
    static func opQuery(_ collection: String, _ document: [(String, BSONDocument.Value)]) -> [UInt8] {
        var message: [UInt8] = [0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0xd4, 0x07, 0, 0, 0, 0, 0, 0]
        message += Array(collection.utf8) + [0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]
        BSONDocument.append(document, into: &message)
        let length = Int32(message.count)
        message.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: 0, as: Int32.self) }
        return message
    }

    /// Drivers before pymongo 4.14 (and Go's, Java's) open with `isMaster` in an OP_QUERY: an
    /// OP_REPLY (opcode 1) to its request id with one document answers it; other OP_QUERYs get
    /// UnsupportedOpQueryCommand, as from MongoDB 6. Neither is malformed.
    @Test func mongoAnswersTheLegacyHandshake() throws {
        let isMaster = Self.opQuery("admin.$cmd", [("isMaster", .int32(1)), ("helloOk", .bool(true)), ("client", .document([("x", .string("y"))]))])
        var responder = try #require(isMaster.withUnsafeBytes { ProtocolResponder(firstBytes: $0) })
        #expect(responder.wireProtocol == .mongodb)
        var out: [UInt8] = []
        var outcome = isMaster.withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(outcome.answered == 1 && outcome.malformed == nil && !outcome.closes)
        #expect(out.count > 36 && out[8..<16] == [7, 0, 0, 0, 1, 0, 0, 0] && out[32..<36] == [1, 0, 0, 0], "\(out.prefix(40))")
        let reply = try BSONDocument.fields(out[36...]).fields
        #expect(reply["ok"] == "1.0" && reply["maxWireVersion"] == "21" && reply["logicalSessionTimeoutMinutes"] == "30", "\(reply)")
        let find = Self.opQuery("flowtest.flowtest", [("x", .int32(1))])
        out = []
        outcome = find.withUnsafeBytes { responder.consume($0, into: &out) }
        #expect(outcome.answered == 1 && outcome.malformed == nil)
        #expect(try BSONDocument.fields(out[36...]).fields["code"] == "352")
    }

    /// A real TLS 1.3 server's flight (openssl s_server): ServerHello, change_cipher_spec and four
    /// encrypted handshake records in one read complete the opening; on the data plane, whose
    /// reads took the flight whole, the fourth record used to fail the flow as corrupted before it
    /// sent anything. A record of another type after the flight still breaks the protocol.
    @Test func aRealServersFlightOfSeveralEncryptedRecordsCompletesTheOpening() throws {
        var client = ClientConversation(.tls)
        var hello: [UInt8] = []
        #expect(client.nextOpening(into: &hello) == .awaitReply)
        var flight: [UInt8] = []
        TLSRecord.append(TLSRecord.handshake, TLSRecord.serverHello(sessionID: []), into: &flight)
        TLSRecord.append(TLSRecord.changeCipherSpec, [1], into: &flight)
        for size in [40, 600, 100, 58] { TLSRecord.appendApplicationData(total: size, prefix: [], into: &flight) }
        #expect(try flight.withUnsafeBytes { try client.consume($0) })
        var handshake = flight
        TLSRecord.append(TLSRecord.handshake, [20, 0, 0, 0], into: &handshake)
        var again = ClientConversation(.tls)
        var ignored: [UInt8] = []
        _ = again.nextOpening(into: &ignored)
        #expect(throws: ProtocolError.self) { try handshake.withUnsafeBytes { try again.consume($0) } }
    }
}
