/// The echo's SMTP: greets, answers EHLO/HELO, MAIL FROM, RCPT TO, DATA and the message as a
/// mail server that accepts everything, RSET and NOOP with 250, QUIT with 221 (then closes).
///
/// Replies to MAIL, RCPT and the message are padded to the `flowtest-r<size>` tag or the
/// `X-FlowTest-Response-Size` header. Commands out of order get 503 (as a real server); a
/// command it does not know gets `500 5.5.2` and the connection is closed, counted malformed.
struct SMTPServerDialect: ServerDialect {
    static let largestResponse = 65_536
    static let openingVerbs: Set<String> = ["EHLO", "HELO"]
    static let largestMessage = 16_777_216 + 65_536
    private var lines = CommandLineReader(.smtp)
    private var greeted = false
    private var hasSender = false
    private var hasRecipient = false
    /// In the message: how much of "\r\n.\r\n" the last bytes matched, the message's size so
    /// far, and its first bytes (where the header is).
    private var inData = false
    private var endMatch = 0
    private var dataSize = 0
    private var dataHead: [UInt8] = []
    private(set) var flowID: UInt64?

    init(greeting out: inout [UInt8]) {
        out.append(ascii: "220 flowtest.example ESMTP FlowTest echo\r\n")
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while index < bytes.count {
                if inData {
                    guard readData(bytes, from: &index) else { break }
                    LineReply.append(code: 250, "2.0.0 Ok: queued as FT\(dataSize)", size: messageReplySize(), into: &out)
                    (hasSender, hasRecipient) = (false, false)
                    outcome.answered += 1
                    continue
                }
                guard let line = try lines.next(bytes, from: &index) else { break }
                if try answer(line, into: &out) {
                    outcome.finished = true
                    return outcome
                }
                // The opening's commands are no exchange of the client's: counted as the others' are not.
                if !Self.openingVerbs.contains(line.prefix(4).uppercased()) { outcome.answered += 1 }
            }
        } catch {
            out.append(ascii: "500 5.5.2 Error: \(error.reason)\r\n")
            outcome.malformed = error
        }
        return outcome
    }

    /// Answers one command line; true for QUIT.
    private mutating func answer(_ line: String, into out: inout [UInt8]) throws(ProtocolError) -> Bool {
        let verb = line.prefix(while: { $0 != " " && $0 != ":" }).uppercased()
        let argument = line.dropFirst(verb.count)
        switch verb {
        case "EHLO":
            greeted = true
            flowID = FlowTag.flowID(labelIn: argument) ?? flowID
            out.append(ascii: "250-flowtest.example\r\n250-SIZE \(Self.largestMessage)\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
        case "HELO":
            greeted = true
            out.append(ascii: "250 flowtest.example\r\n")
        case "MAIL" where !greeted: out.append(ascii: "503 5.5.1 Error: send HELO/EHLO first\r\n")
        case "MAIL":
            hasSender = true
            LineReply.append(code: 250, "2.1.0 Ok", size: LineReply.size(taggedIn: argument, largest: Self.largestResponse) ?? 0, into: &out)
        case "RCPT" where !hasSender: out.append(ascii: "503 5.5.1 Error: need MAIL command\r\n")
        case "RCPT":
            hasRecipient = true
            LineReply.append(code: 250, "2.1.5 Ok", size: LineReply.size(taggedIn: argument, largest: Self.largestResponse) ?? 0, into: &out)
        case "DATA" where !hasRecipient: out.append(ascii: "503 5.5.1 Error: need RCPT command\r\n")
        case "DATA":
            (inData, endMatch, dataSize) = (true, 2, 0)
            dataHead.removeAll(keepingCapacity: true)
            out.append(ascii: "354 End data with <CR><LF>.<CR><LF>\r\n")
        case "RSET":
            (hasSender, hasRecipient) = (false, false)
            out.append(ascii: "250 2.0.0 Ok\r\n")
        case "NOOP": out.append(ascii: "250 2.0.0 Ok\r\n")
        case "QUIT":
            out.append(ascii: "221 2.0.0 Bye\r\n")
            return true
        default:
            throw ProtocolError(.smtp, "command \"\(verb.prefix(20))\" not recognized")
        }
        return false
    }

    /// Reads the message up to its end, "\r\n.\r\n" (the first CRLF being DATA's own); true then.
    private mutating func readData(_ bytes: UnsafeRawBufferPointer, from index: inout Int) -> Bool {
        let end: [UInt8] = [13, 10, 46, 13, 10]
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            dataSize += 1
            if dataHead.count < 4_096 { dataHead.append(byte) }
            if byte == end[endMatch] {
                endMatch += 1
            } else {
                endMatch = byte == 13 ? 1 : 0
            }
            if endMatch == end.count {
                inData = false
                return true
            }
        }
        return false
    }

    private func messageReplySize() -> Int {
        let head = String(decoding: dataHead, as: UTF8.self)
        guard let field = head.firstRange(of: "X-FlowTest-Response-Size: ") else { return 0 }
        return min(Self.largestResponse, Int(head[field.upperBound...].prefix(while: \.isNumber).prefix(9)) ?? 0)
    }
}
