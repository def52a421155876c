/// Splits a PostgreSQL protocol stream (protocol 3.0) into messages: a type byte and a 4-byte
/// length that counts itself, or, for the first message a server reads, the length alone.
///
/// Keeps a message's body up to `kept` bytes (what is read of it: an error's fields, a query's
/// text); a DataRow of megabytes is counted, not kept.
struct PostgresMessageReader: Sendable {
    static let largestMessage = 16_777_216 + 1_024
    /// A message read: its type (0 for the untyped startup message) and its first bytes.
    struct Message: Sendable {
        var type: UInt8
        var body: [UInt8]
    }

    private var header: [UInt8] = []
    private var body: [UInt8] = []
    private var bodyLeft = 0
    /// Whether the next message has no type byte (a startup message or SSLRequest).
    var untyped: Bool
    private let kept: Int

    init(untyped: Bool, kept: Int = 4_096) {
        (self.untyped, self.kept) = (untyped, kept)
    }

    /// Reads from `bytes` at `index` until a message is complete (returned) or the bytes end.
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Message? {
        let headerSize = untyped ? 4 : 5
        while index < bytes.count {
            if header.count < headerSize {
                header.append(bytes[index])
                index += 1
                guard header.count == headerSize else { continue }
                let length = Int(header.bigEndian(at: headerSize - 4, as: UInt32.self))
                guard length >= 4, length <= Self.largestMessage else {
                    throw ProtocolError(.postgresql, "message length \(length): expected 4...\(Self.largestMessage)")
                }
                bodyLeft = length - 4
                body.removeAll(keepingCapacity: true)
                if bodyLeft > 0 { continue }
            } else {
                let taken = min(bodyLeft, bytes.count - index)
                let keep = min(taken, max(0, kept - body.count))
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + keep]))
                index += taken
                bodyLeft -= taken
                guard bodyLeft == 0 else { continue }
            }
            let message = Message(type: untyped ? 0 : header[0], body: body)
            header.removeAll(keepingCapacity: true)
            untyped = false
            return message
        }
        return nil
    }
}
