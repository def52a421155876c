/// The echo's HTTP/1.1 server: answers each request with `200 OK` and a body that makes the
/// response the size its `X-FlowTest-Response-Size` header asks for (no header: an empty body).
///
/// Requests are read as RFC 9112 frames them (head, then Content-Length bytes of body), so
/// keep-alive and pipelining work. A request that breaks the framing gets `400 Bad Request`
/// and the connection is closed, as nginx or haproxy would.
struct HTTPServerDialect: ServerDialect {
    /// The largest response the echo sends: as large as a FlowTest message may be.
    static let largestResponse = 16_777_216
    private static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]

    private var head = HTTPHead()
    /// Body bytes of the request still to come; nil while its head is being read.
    private var bodyLeft: Int?
    /// The response the request being read asks for, once its head is read.
    private var responseSize = 0
    private var isHead = false
    private var closeAfter = false
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes start an HTTP/1 request line: a known method and a space.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        methods.contains { method in
            bytes.count > method.utf8.count && bytes.starts(with: method.utf8) && bytes[method.utf8.count] == UInt8(ascii: " ")
        }
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while index < bytes.count {
                if bodyLeft == nil {
                    guard try head.gather(bytes, from: &index, .http) else { break }
                    bodyLeft = try readHead()
                }
                let taken = min(bodyLeft!, bytes.count - index)
                (bodyLeft!, index) = (bodyLeft! - taken, index + taken)
                guard bodyLeft == 0 else { break }
                appendResponse(into: &out)
                outcome.answered += 1
                (bodyLeft, responseSize) = (nil, 0)
                head.reset()
                if closeAfter {
                    outcome.finished = true
                    break
                }
            }
        } catch {
            let text = "\(error.reason)\n"
            out.append(ascii: "HTTP/1.1 400 Bad Request\r\nServer: flowtest-echo\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)")
            outcome.malformed = error
        }
        return outcome
    }

    /// Checks the request head just gathered; returns its body's length.
    private mutating func readHead() throws(ProtocolError) -> Int {
        let (start, fields) = try head.parsed(.http)
        let parts = start.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, Self.methods.contains(String(parts[0])), !parts[1].isEmpty, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            throw ProtocolError(.http, "request line \"\(start.prefix(80))\": expected METHOD /path HTTP/1.1")
        }
        isHead = parts[0] == "HEAD"
        if parts[2] == "HTTP/1.1", !fields.contains(where: { $0.name == "host" }) {
            throw ProtocolError(.http, "an HTTP/1.1 request without a Host header")
        }
        if fields.contains(where: { $0.name == "transfer-encoding" }) {
            throw ProtocolError(.http, "a chunked request body: expected a Content-Length")
        }
        closeAfter = fields.contains { $0.name == "connection" && $0.value.lowercased() == "close" } || parts[2] == "HTTP/1.0"
        responseSize = try Self.number(fields, "x-flowtest-response-size", largest: Self.largestResponse) ?? 0
        flowID = fields.first { $0.name == "x-flowtest-flow" }.flatMap { UInt64($0.value) } ?? flowID
        return try Self.number(fields, "content-length", largest: Self.largestResponse) ?? 0
    }

    private static func number(_ fields: [HTTPField], _ name: String, largest: Int) throws(ProtocolError) -> Int? {
        guard let field = fields.first(where: { $0.name == name }) else { return nil }
        guard let value = Int(field.value), value >= 0, value <= largest else {
            throw ProtocolError(.http, "\(name) \"\(field.value.prefix(20))\": expected 0...\(largest)")
        }
        return value
    }

    /// A 200 whose head and body together are `responseSize` bytes (the head alone, if larger).
    private func appendResponse(into out: inout [UInt8]) {
        let first = "HTTP/1.1 200 OK\r\nServer: flowtest-echo\r\nContent-Type: application/octet-stream\r\n"
        let fixed = first.utf8.count + "Content-Length: \r\n\r\n".utf8.count + (closeAfter ? "Connection: close\r\n".utf8.count : 0)
        var body = max(0, responseSize - fixed - 1)
        body = max(0, responseSize - fixed - String(body).utf8.count)
        out.append(ascii: first)
        if closeAfter { out.append(ascii: "Connection: close\r\n") }
        out.append(ascii: "Content-Length: \(body)\r\n\r\n")
        if !isHead { out.appendFiller(body) }
    }
}
