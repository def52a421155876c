/// Reads the commands of the line protocols, SMTP and FTP, on the server's side: one CRLF line
/// at a time, at most 4 KiB (SMTP allows 512 octets, FTP no more in practice).
struct CommandLineReader: Sendable {
    static let longestLine = 4_096
    private var line: [UInt8] = []
    let wire: WireProtocol

    init(_ wire: WireProtocol) {
        self.wire = wire
    }

    /// Reads from `bytes` at `index` until a line is complete (returned, without its CRLF).
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> String? {
        while index < bytes.count {
            line.append(bytes[index])
            index += 1
            guard line.count <= Self.longestLine else { throw ProtocolError(wire, "a command line over \(Self.longestLine) bytes") }
            guard line.last == 10 else { continue }
            defer { line.removeAll(keepingCapacity: true) }
            guard line.count >= 2, line[line.count - 2] == 13 else { throw ProtocolError(wire, "a command line ended by LF alone: expected CRLF") }
            guard let text = String(validating: line.dropLast(2), as: UTF8.self), text.allSatisfy({ $0.isASCII && $0 != "\0" }) else {
                throw ProtocolError(wire, "a command line that is not ASCII text")
            }
            return text
        }
        return nil
    }
}
