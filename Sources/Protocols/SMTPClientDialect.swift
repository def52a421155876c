/// SMTP as a mail client speaks it (RFC 5321): wait for the greeting, EHLO, then mail
/// transactions, one command per exchange: MAIL FROM, RCPT TO, DATA, the message, again; QUIT
/// at the end.
///
/// The drawn request size is the message's (headers and body); the drawn response size is asked
/// for by a `flowtest-r<size>` tag in the addresses' local parts and an `X-FlowTest-Response-Size`
/// header in the message, and the echo pads its 250 replies to it (DATA's 354 keeps its own size).
struct SMTPClientDialect: ClientDialect {
    private let host: String
    private var reader = ReplyLineReader(.smtp)
    private var step = 0
    /// Where the transaction is: 0 MAIL, 1 RCPT, 2 DATA, 3 the message.
    private var phase = 0
    private var expected = 220
    private let flowID: UInt64

    init(host: String, flowID: UInt64) {
        (self.host, self.flowID) = (host, flowID)
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        step += 1
        switch step {
        case 1: return .awaitReply
        case 2:
            // The client's name carries the flow id, as a label of its own.
            out.append(ascii: "EHLO flow-\(flowID).client.\(host)\r\n")
            expected = 250
            return .awaitReply
        default: return .ready
        }
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        let tag = "flowtest-r\(responseSize)"
        switch phase {
        case 0:
            out.append(ascii: "MAIL FROM:<\(tag)@client.\(host)>\r\n")
            expected = 250
        case 1:
            out.append(ascii: "RCPT TO:<\(tag)@\(host)>\r\n")
        case 2:
            out.append(ascii: "DATA\r\n")
            expected = 354
        default:
            let headers = "From: <flowtest@client.\(host)>\r\nTo: <echo@\(host)>\r\nSubject: FlowTest\r\nX-FlowTest-Response-Size: \(responseSize)\r\n\r\n"
            out.append(ascii: headers)
            // Body lines of at most 78 characters, then the end of data.
            var left = size - headers.utf8.count - 5
            while left > 0 {
                let line = min(78, max(1, left - 2))
                out.appendFiller(line)
                out.append(ascii: "\r\n")
                left -= line + 2
            }
            out.append(ascii: ".\r\n")
            expected = 250
        }
        phase = (phase + 1) % 4
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard let code = try reader.next(bytes, from: &index) else { return false }
        guard index == bytes.count else { throw ProtocolError(.smtp, "\(bytes.count - index) bytes after the reply") }
        guard code == expected else { throw ProtocolError(.smtp, "reply \(code): expected \(expected)") }
        return true
    }

    mutating func appendFarewell(into out: inout [UInt8]) -> Bool {
        out.append(ascii: "QUIT\r\n")
        expected = 221
        return true
    }
}
