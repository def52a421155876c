/// FTP's control connection as a client speaks it (RFC 959, RFC 2428): wait for the greeting,
/// log in as `anonymous`, then one command per exchange: EPSV first (the server announces its
/// data port), then CWD into `/flowtest-r<size>/...` paths; QUIT at the end.
///
/// The drawn request size is the CWD line's (its path padded), the drawn response size the
/// 250 reply's, which the echo pads to the `flowtest-r<size>` tag. No data connection is opened
/// from here: the `ftp` pattern's data flows (port 20) are flows of their own.
struct FTPClientDialect: ClientDialect {
    private var reader = ReplyLineReader(.ftp)
    private var step = 0
    private var exchanges = 0
    private var expected = 220
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        step += 1
        switch step {
        case 1: return .awaitReply
        case 2:
            out.append(ascii: "USER anonymous\r\n")
            expected = 331
            return .awaitReply
        case 3:
            // An anonymous login's password is a mail address: its local part names the flow.
            out.append(ascii: "PASS flow-\(flowID)@flowtest.example\r\n")
            expected = 230
            return .awaitReply
        default: return .ready
        }
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        exchanges += 1
        if exchanges == 1 {
            out.append(ascii: "EPSV\r\n")
            expected = 229
            return
        }
        let path = "CWD /flowtest-r\(responseSize)/"
        out.append(ascii: path)
        out.appendFiller(min(4_000, size - path.utf8.count - 2))
        out.append(ascii: "\r\n")
        expected = 250
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard let code = try reader.next(bytes, from: &index) else { return false }
        guard index == bytes.count else { throw ProtocolError(.ftp, "\(bytes.count - index) bytes after the reply") }
        guard code == expected else { throw ProtocolError(.ftp, "reply \(code): expected \(expected)") }
        return true
    }

    mutating func appendFarewell(into out: inout [UInt8]) -> Bool {
        out.append(ascii: "QUIT\r\n")
        expected = 221
        return true
    }
}
