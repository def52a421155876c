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
    ///
    /// Read as bytes: a head is ASCII framing around a few values, and reading it as a `String`
    /// (grapheme-aware splitting, `Character` tests) made the HTTP echo cost five times the sized
    /// echo per flow (bench/protocols.sh, profiled).
    func parsed(_ wire: WireProtocol) throws(ProtocolError) -> (start: String, fields: [HTTPField]) {
        let end = max(0, bytes.count - 4)
        var lineStart = 0
        var start: String?
        var fields: [HTTPField] = []
        while lineStart <= end {
            var lineEnd = lineStart
            while lineEnd < end, !(bytes[lineEnd] == 13 && lineEnd + 1 < end && bytes[lineEnd + 1] == 10) { lineEnd += 1 }
            let line = bytes[lineStart..<lineEnd]
            guard let text = String(validating: line, as: UTF8.self) else {
                throw ProtocolError(wire, "a message head that is not UTF-8 text")
            }
            if start == nil {
                start = text
            } else {
                fields.append(try Self.field(line, text: text, wire))
            }
            lineStart = lineEnd + 2
        }
        return (start ?? "", fields)
    }

    /// `name: value`, the name a token (RFC 9110's characters), the value without its outer blanks.
    private static func field(_ line: ArraySlice<UInt8>, text: String, _ wire: WireProtocol) throws(ProtocolError) -> HTTPField {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex, line[..<colon].allSatisfy(isTokenByte) else {
            throw ProtocolError(wire, "header line \"\(text.prefix(60))\": expected name: value")
        }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
        let name = String(decoding: line[..<colon].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        return HTTPField(name: name, value: String(decoding: line[valueStart..<valueEnd], as: UTF8.self))
    }

    /// A token character: ASCII letters, digits and ``!#$%&'*+-.^_`|~``.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: true
        default: false
        }
    }
}
