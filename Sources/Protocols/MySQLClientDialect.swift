/// MySQL's client/server protocol as an application's connection speaks it: the server's
/// greeting first, a login as `flowtest` without a password, then one COM_QUERY per exchange.
///
/// Each query is `SELECT REPEAT('x', n) /* flowtest response-size=N ... */`, answered by the
/// echo with one row that makes the result set the size asked for (a real server with a
/// `flowtest` user that has no password returns about that size).
struct MySQLClientDialect: ClientDialect {
    private var reader = MySQLPacketReader()
    private var step = 0
    /// Where the reply being read is: 0 before its first packet, then in the columns, then in
    /// the rows (each section ends with an EOF packet).
    private var section = 0
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        step += 1
        switch step {
        case 1: return .awaitReply
        case 2:
            MySQLPacket.appendLogin(into: &out)
            return .awaitReply
        default: return .ready
        }
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        let value = max(0, responseSize - 70)
        var payload: [UInt8] = [3]
        payload.append(ascii: "SELECT REPEAT('x', \(value)) /* flowtest response-size=\(responseSize) flow=\(flowID) ")
        payload.appendFiller(size - 4 - payload.count - 3)
        payload.append(ascii: " */")
        MySQLPacket.append(payload, sequence: 0, into: &out)
        section = 0
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        var complete = false
        while let packet = try reader.next(bytes, from: &index) {
            guard !complete else { throw ProtocolError(.mysql, "a packet after the awaited reply's end") }
            let first = packet.payload.first ?? 0
            if first == 0xff { throw ProtocolError(.mysql, "the server answered ERR \(MySQLPacket.errorText(packet.payload))") }
            switch step {
            case 1:
                guard first == 10 else { throw ProtocolError(.mysql, "greeting protocol \(first): expected 10") }
                complete = true
            case 2:
                guard first == 0 else {
                    throw ProtocolError(.mysql, "login answered with \(first == 0xfe ? "an authentication switch" : "packet \(first)"): FlowTest logs in without a password")
                }
                complete = true
            default:
                // OK (a statement without rows); otherwise the column count, columns, EOF, rows, EOF.
                let isEOF = first == 0xfe && packet.length < 9
                if section == 0, first == 0 {
                    complete = true
                } else if isEOF {
                    section += 1
                    complete = section == 2
                }
            }
        }
        return complete
    }

    func appendFarewell(into out: inout [UInt8]) -> Bool {
        MySQLPacket.append([1], sequence: 0, into: &out)
        return false
    }
}
