/// Reads the replies of the line protocols, SMTP (RFC 5321 4.2) and FTP (RFC 959 4.2): a
/// three-digit code, `-` on every line but the last, a space on the last, CRLF line ends.
struct ReplyLineReader: Sendable {
    /// The longest reply line either protocol's servers send, with room to spare.
    static let longestLine = 4_096
    private var line: [UInt8] = []
    let wire: WireProtocol

    init(_ wire: WireProtocol) {
        self.wire = wire
    }

    /// Reads from `bytes` at `index` until a whole reply is read (its code) or the bytes end.
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Int? {
        while index < bytes.count {
            line.append(bytes[index])
            index += 1
            guard line.count <= Self.longestLine else { throw ProtocolError(wire, "a reply line over \(Self.longestLine) bytes") }
            guard line.last == 10 else { continue }
            defer { line.removeAll(keepingCapacity: true) }
            guard line.count >= 5, line[line.count - 2] == 13, line[0..<3].allSatisfy({ (48...57).contains($0) }), line[3] == 32 || line[3] == 45 else {
                throw ProtocolError(wire, "reply line \"\(String(decoding: line.prefix(60), as: UTF8.self))\": expected a 3-digit code, then - or a space")
            }
            if line[3] == 32 { return Int(String(decoding: line[0..<3], as: UTF8.self))! }
        }
        return nil
    }
}
