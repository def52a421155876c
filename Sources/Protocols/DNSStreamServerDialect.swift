/// The echo's DNS over TCP: each query after its 2-byte length answered like a datagram's,
/// a broken one with FORMERR, after which the connection is closed.
struct DNSStreamServerDialect: ServerDialect {
    private var framer = DNSStreamFramer()
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes are a length and a query header that fits it.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 14 else { return false }
        let length = Int(bytes.bigEndian(at: 0, as: UInt16.self))
        return length >= 17 && DNSMessage.looksLikeQuery(UnsafeRawBufferPointer(rebasing: bytes[2...]))
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        while framer.gather(bytes, from: &index) {
            let lengthAt = out.count
            out += [0, 0]
            let malformed = framer.message.withUnsafeBytes { message -> ProtocolError? in
                do throws(ProtocolError) {
                    let query = try DNSQuery(parsing: message)
                    flowID = query.flowID ?? flowID
                    DNSMessage.appendAnswer(to: query, in: message, into: &out)
                    return nil
                } catch {
                    DNSMessage.appendFormatError(for: message, into: &out)
                    return error
                }
            }
            out.setBigEndian(UInt16(min(65_535, out.count - lengthAt - 2)), at: lengthAt)
            if let malformed {
                outcome.malformed = malformed
                return outcome
            }
            outcome.answered += 1
        }
        return outcome
    }
}
