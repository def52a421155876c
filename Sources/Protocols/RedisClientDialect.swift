/// Redis's RESP as a cache client speaks it: `GET` of a FlowTest key, answered with a bulk
/// string of the drawn size.
///
/// The key is `flowtest:<response size>:<flow id>:` then filler up to the request's size, so the echo
/// knows what to send back and a real redis-server (which answers `$-1`, no such key) still
/// completes each exchange.
struct RedisClientDialect: ClientDialect {
    private var reader = RESPReader()
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    func openingStep(into out: inout [UInt8]) -> OpeningStep { .ready }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        let stem = "flowtest:\(responseSize):\(flowID):"
        // *2 CRLF $3 CRLF GET CRLF $<n> CRLF <key> CRLF: 18 bytes and the length's digits.
        var key = max(stem.utf8.count, size - 18 - 1)
        key = max(stem.utf8.count, size - 18 - String(key).utf8.count)
        out.append(ascii: "*2\r\n$3\r\nGET\r\n$\(key)\r\n\(stem)")
        out.appendFiller(key - stem.utf8.count)
        out.append(ascii: "\r\n")
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard try reader.next(bytes, from: &index) else { return false }
        guard index == bytes.count else { throw ProtocolError(.redis, "\(bytes.count - index) bytes after the reply") }
        if reader.firstLine.first == UInt8(ascii: "-") {
            throw ProtocolError(.redis, "the server answered \(String(decoding: reader.firstLine.prefix(120), as: UTF8.self))")
        }
        return true
    }
}
