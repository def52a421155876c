/// An HTTP/1.1 message head (start line and header fields) gathered from a stream, and read
/// as RFC 9112 says: CRLF line ends, `name: value` fields, a blank line at the end.
struct HTTPHead: Sendable {
    /// The largest head either side accepts: far above what FlowTest or a browser sends, and
    /// small enough that a peer that never ends its head cannot grow a connection's memory.
    static let limit = 16_384

    private(set) var bytes: [UInt8] = []

    /// Takes bytes from `input` at `index` until the head ends (true) or `input` does; throws
    /// when the head grows past `limit`.
    mutating func gather(_ input: UnsafeRawBufferPointer, from index: inout Int, _ wire: WireProtocol) throws(ProtocolError) -> Bool {
        while index < input.count {
            bytes.append(input[index])
            index += 1
            if bytes.count >= 4, bytes[bytes.count - 1] == 10, bytes[bytes.count - 2] == 13, bytes[bytes.count - 3] == 10,
                bytes[bytes.count - 4] == 13
            {
                return true
            }
            if bytes.count > Self.limit { throw ProtocolError(wire, "a message head over \(Self.limit) bytes without its blank line") }
        }
        return false
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// The start line and the fields, names lower-cased; throws at a line that is not a field.
    func parsed(_ wire: WireProtocol) throws(ProtocolError) -> (start: String, fields: [(name: String, value: String)]) {
        guard let text = String(validating: bytes.dropLast(4), as: UTF8.self) else {
            throw ProtocolError(wire, "a message head that is not UTF-8 text")
        }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let start = String(lines.removeFirst())
        var fields: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex,
                line[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) })
            else { throw ProtocolError(wire, "header line \"\(line.prefix(60))\": expected name: value") }
            let value = line[line.index(after: colon)...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            fields.append((line[..<colon].lowercased(), String(value.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())))
        }
        return (start, fields)
    }
}
