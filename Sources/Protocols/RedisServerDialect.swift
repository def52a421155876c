/// The echo's Redis: answers `GET flowtest:<size>:...` with a bulk string that makes the reply
/// `size` bytes, `PING` with `+PONG`, `QUIT` with `+OK` (then closes), and any other command
/// with redis-server's `-ERR unknown command`.
///
/// Bytes that are not RESP get `-ERR Protocol error: ...` and the connection is closed, as
/// redis-server does. Commands must be RESP arrays (what every client library sends); the
/// inline form typed into telnet is refused the same way.
struct RedisServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = RESPReader(capturing: true)
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes start a RESP array of bulk strings: `*<digits>\r\n$`.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 5, bytes[0] == UInt8(ascii: "*") else { return false }
        var index = 1
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index > 1 && index + 2 < bytes.count && bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == UInt8(ascii: "$")
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while try reader.next(bytes, from: &index) {
                guard reader.firstLine.first == UInt8(ascii: "*") else {
                    throw ProtocolError(.redis, "a command that is not an array of bulk strings")
                }
                if answer(into: &out) {
                    outcome.finished = true
                    return outcome
                }
                outcome.answered += 1
            }
        } catch {
            out.append(ascii: "-ERR Protocol error: \(error.reason)\r\n")
            outcome.malformed = error
        }
        return outcome
    }

    /// Appends the reply to the command just read; true for QUIT.
    private mutating func answer(into out: inout [UInt8]) -> Bool {
        let name = String(decoding: reader.captured.first ?? [], as: UTF8.self).uppercased()
        switch name {
        case "GET":
            let key = String(decoding: reader.captured.count > 1 ? reader.captured[1] : [], as: UTF8.self).split(separator: ":")
            if key.count >= 3, key[0] == "flowtest", let id = UInt64(key[2]) { flowID = id }
            guard key.count >= 2, key[0] == "flowtest", let size = Int(key[1]), size <= Self.largestResponse else {
                out.append(ascii: "$-1\r\n")
                return false
            }
            var body = max(0, size - 5 - 1)
            body = max(0, size - 5 - String(body).utf8.count)
            out.append(ascii: "$\(body)\r\n")
            out.appendFiller(body)
            out.append(ascii: "\r\n")
        case "PING": out.append(ascii: "+PONG\r\n")
        case "QUIT":
            out.append(ascii: "+OK\r\n")
            return true
        default: out.append(ascii: "-ERR unknown command '\(name.prefix(40))', with args beginning with: \r\n")
        }
        return false
    }
}
