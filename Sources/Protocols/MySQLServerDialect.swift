/// The echo's MySQL: greets every connection (HandshakeV10), accepts any protocol-41 login,
/// and answers each COM_QUERY that reads (SELECT, SHOW...) with one row that makes the result
/// set the size its `flowtest response-size=N` comment asks for, and any other statement with
/// OK, as a server does; COM_PING gets OK, COM_QUIT closes.
///
/// Other commands get ERR 1047 (unknown command); bytes that break the packet framing or a
/// login that is not protocol 41 get ERR 1156 / 08S01 and the connection is closed.
struct MySQLServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = MySQLPacketReader()
    private var loggedIn = false
    private(set) var flowID: UInt64?

    init(greeting out: inout [UInt8]) {
        MySQLPacket.appendGreeting(into: &out)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while let packet = try reader.next(bytes, from: &index) {
                guard loggedIn else {
                    guard packet.payload.count >= 32, (UInt32(packet.payload[0]) | UInt32(packet.payload[1]) << 8) & MySQLPacket.protocol41 != 0 else {
                        throw ProtocolError(.mysql, "a login of \(packet.length) bytes without CLIENT_PROTOCOL_41: expected a HandshakeResponse41")
                    }
                    loggedIn = true
                    MySQLPacket.appendOK(sequence: packet.sequence &+ 1, into: &out)
                    continue
                }
                switch packet.payload.first {
                case 3:
                    // A client reads one OK for a statement without rows: PyMySQL's own `SET
                    // NAMES` and `SET AUTOCOMMIT` after every login, which a result set there
                    // put out of step with the packets that followed.
                    if MySQLStatement.returnsRows(packet.payload.dropFirst()) {
                        MySQLPacket.appendResult(size: Self.responseSize(packet.payload), into: &out)
                    } else {
                        MySQLPacket.appendOK(sequence: 1, into: &out)
                    }
                    flowID = FlowTag.flowID(in: packet.payload) ?? flowID
                    outcome.answered += 1
                case 14: MySQLPacket.appendOK(sequence: 1, into: &out)
                case 1:
                    outcome.finished = true
                    return outcome
                default:
                    MySQLPacket.appendError(code: 1047, state: "08S01", "Unknown command", sequence: 1, into: &out)
                }
            }
        } catch {
            MySQLPacket.appendError(code: 1156, state: "08S01", error.reason, sequence: 1, into: &out)
            outcome.malformed = error
        }
        return outcome
    }

    /// The size a query's comment asks for; a query without one gets the smallest result.
    private static func responseSize(_ payload: [UInt8]) -> Int {
        let text = String(decoding: payload.dropFirst(), as: UTF8.self)
        guard let marker = text.firstRange(of: "flowtest response-size=") else { return 0 }
        return min(largestResponse, Int(text[marker.upperBound...].prefix(while: \.isNumber).prefix(9)) ?? 0)
    }
}
