/// HTTP/1.1 as a browser's keep-alive connection speaks it: GET requests for the FlowTest's
/// path and Host, answered with bodies of the drawn size.
///
/// The response size travels in the request header `X-FlowTest-Response-Size`; the request's
/// own size is made up by an `X-FlowTest-Padding` header (a POST body past 8 KiB, where a
/// header that long would be refused by proxies). Responses are read by their Content-Length,
/// as on any keep-alive connection; chunked ones are refused with a clear error.
struct HTTPClientDialect: ClientDialect {
    static let responseSizeField = "X-FlowTest-Response-Size"
    static let flowField = "X-FlowTest-Flow"
    private let names: ProtocolNames
    private let flowID: UInt64
    private var head = HTTPHead()
    /// Body bytes of the response still to come; nil while its head is being read.
    private var bodyLeft: Int?

    init(names: ProtocolNames, flowID: UInt64) {
        (self.names, self.flowID) = (names, flowID)
    }

    func openingStep(into out: inout [UInt8]) -> OpeningStep { .ready }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        var common = "\(names.path) HTTP/1.1\r\nHost: \(names.host)\r\nUser-Agent: flowtest\r\nAccept: */*\r\n\(Self.responseSizeField): \(responseSize)\r\n\(Self.flowField): \(flowID)\r\n"
        let paddingField = "X-FlowTest-Padding: \r\n"
        let natural = "GET ".utf8.count + common.utf8.count + 2
        if size - natural >= 2, size - natural < paddingField.utf8.count {
            // Too few bytes for a padding header: the User-Agent takes a second product token.
            var token: [UInt8] = []
            token.appendFiller(size - natural - 1)
            common = common.replacingFirst("User-Agent: flowtest", with: "User-Agent: flowtest " + String(decoding: token, as: UTF8.self))
        }
        let getHead = "GET " + common
        if size <= 8_192 {
            out.append(ascii: getHead)
            if size >= natural + paddingField.utf8.count {
                out.append(ascii: "X-FlowTest-Padding: ")
                out.appendFiller(size - natural - paddingField.utf8.count)
                out.append(ascii: "\r\n")
            }
            out.append(ascii: "\r\n")
        } else {
            var postHead = "POST " + common + "Content-Type: application/octet-stream\r\nContent-Length: "
            let fixed = postHead.utf8.count + 4
            var body = size - fixed - String(size).utf8.count
            body = max(0, size - fixed - String(body).utf8.count)
            postHead += "\(body)\r\n\r\n"
            out.append(ascii: postHead)
            out.appendFiller(body)
        }
        head.reset()
        bodyLeft = nil
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        if bodyLeft == nil {
            guard try head.gather(bytes, from: &index, .http) else { return false }
            bodyLeft = try Self.bodyLength(of: head)
        }
        let taken = min(bodyLeft!, bytes.count - index)
        bodyLeft! -= taken
        index += taken
        guard index == bytes.count else { throw ProtocolError(.http, "\(bytes.count - index) bytes after the response's end") }
        return bodyLeft == 0
    }

    /// The body length a 2xx response head announces; throws for another status or framing.
    private static func bodyLength(of head: HTTPHead) throws(ProtocolError) -> Int {
        let (start, fields) = try head.parsed(.http)
        let parts = start.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ProtocolError(.http, "status line \"\(start.prefix(60))\": expected HTTP/1.1 and a status code")
        }
        guard (200..<300).contains(status) else { throw ProtocolError(.http, "status \(start.dropFirst(9).prefix(60)): expected 2xx") }
        if fields.contains(where: { $0.name == "transfer-encoding" }) {
            throw ProtocolError(.http, "a chunked response: expected a Content-Length")
        }
        guard let length = fields.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }), length >= 0 else {
            throw ProtocolError(.http, "a response without a valid Content-Length: expected one to read it by on a kept-alive connection")
        }
        return length
    }
}
