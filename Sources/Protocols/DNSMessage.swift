/// DNS messages as FlowTest writes them (RFC 1035, EDNS from RFC 6891): queries for TXT records
/// of the FlowTest's name, and answers padded to the drawn size with TXT records.
///
/// The response size travels in an EDNS option of the local-use range (65001), and a query is
/// brought up to its drawn size with RFC 7830's Padding option, so the question stays the bare
/// name a `toFQDNs` policy or a resolver sees.
public enum DNSMessage {
    static let responseSizeOption: UInt16 = 65001
    /// FlowTest's flow id, 8 bytes, also of the local-use range.
    static let flowOption: UInt16 = 65002
    static let paddingOption: UInt16 = 12
    /// Every TXT record answers for the question's name, by a compression pointer to it.
    static let questionPointer: UInt16 = 0xC00C

    /// Appends a query with `id` for `name`'s TXT records, of `size` bytes (or the smallest
    /// query, if larger), asking for an answer of `responseSize` bytes.
    public static func appendQuery(id: UInt16, name: String, size: Int, responseSize: Int, flowID: UInt64 = 0, into out: inout [UInt8]) {
        let start = out.count
        out.appendBigEndian(id)
        out += [0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]
        appendName(name, into: &out)
        out += [0, 16, 0, 1]
        // OPT: root name, type 41, the UDP size the answer may take, no extended flags.
        out += [0, 0, 41]
        out.appendBigEndian(UInt16(min(65_535, max(1_232, responseSize))))
        let responseSize = max(0, responseSize)
        out += [0, 0, 0, 0]
        let lengthAt = out.count
        out += [0, 0]
        out.appendBigEndian(responseSizeOption)
        out += [0, 4]
        out.appendBigEndian(UInt32(responseSize))
        out.appendBigEndian(flowOption)
        out += [0, 8]
        out.appendBigEndian(flowID)
        // A datagram holds at most 65,507 bytes: a larger query size gets the largest.
        let padding = min(size, 65_507) - (out.count - start) - 4
        if padding >= 0 {
            out.appendBigEndian(paddingOption)
            out.appendBigEndian(UInt16(padding))
            out += [UInt8](repeating: 0, count: padding)
        }
        out.setBigEndian(UInt16(out.count - lengthAt - 2), at: lengthAt)
    }

    /// The ID of a complete answer; throws for a message that is not one, or that reports an
    /// error (its RCODE), or whose records overrun it.
    public static func answerID(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> UInt16 {
        guard bytes.count >= 12 else { throw ProtocolError(.dns, "an answer of \(bytes.count) bytes: expected at least a 12-byte header") }
        let flags: UInt16 = bytes.bigEndian(at: 2)
        guard flags & 0x8000 != 0 else { throw ProtocolError(.dns, "a query where an answer was expected (QR 0)") }
        let code = flags & 0x000f
        guard code == 0 else { throw ProtocolError(.dns, "RCODE \(code)\(code == 1 ? " (FORMERR)" : code == 3 ? " (NXDOMAIN)" : code == 5 ? " (REFUSED)" : ""): expected NOERROR") }
        var index = 12
        for _ in 0..<bytes.bigEndian(at: 4, as: UInt16.self) {
            try skipName(bytes, at: &index)
            index += 4
        }
        let records = Int(bytes.bigEndian(at: 6, as: UInt16.self)) + Int(bytes.bigEndian(at: 8, as: UInt16.self)) + Int(bytes.bigEndian(at: 10, as: UInt16.self))
        for _ in 0..<records {
            try skipName(bytes, at: &index)
            guard index + 10 <= bytes.count else { throw ProtocolError(.dns, "a record cut short") }
            index += 10 + Int(bytes.bigEndian(at: index + 8, as: UInt16.self))
        }
        guard index == bytes.count else { throw ProtocolError(.dns, "an answer whose records \(index > bytes.count ? "overrun it" : "end before it does")") }
        return bytes.bigEndian(at: 0)
    }

    /// Whether a datagram has a DNS query's header: QR 0, standard opcode, one question and no
    /// answers. Anything else is left to the caller's echo.
    static func looksLikeQuery(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 12 && bytes[2] & 0xF8 == 0 && bytes.bigEndian(at: 4, as: UInt16.self) == 1
            && bytes.bigEndian(at: 6, as: UInt16.self) == 0 && bytes.bigEndian(at: 8, as: UInt16.self) == 0
            && bytes.bigEndian(at: 10, as: UInt16.self) <= 1
    }

    /// Appends the answer to `query` (read from `bytes`): TXT records that bring it to the size
    /// asked for, or none when that is smaller than the question and OPT alone; one short TXT
    /// record when it asks for no size.
    static func appendAnswer(to query: DNSQuery, in bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let start = out.count
        out.appendBigEndian(query.id)
        out.appendBigEndian(UInt16(0x8400 | (query.recursionDesired ? 0x0100 : 0)))
        out += [0, 1]
        let answersAt = out.count
        out += [0, 0, 0, 0]
        out.appendBigEndian(UInt16(query.hasEDNS ? 1 : 0))
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[query.question]))
        let fixed = out.count - start + (query.hasEDNS ? 11 : 0)
        // A datagram holds at most 65,507 bytes, and so does FlowTest's answer over TCP. A query
        // that asks for no size (a resolver's, forwarding FlowTest's without its option) gets
        // one TXT record of 16 letters, as a real zone's answer would have one.
        var left = min(query.responseSize ?? fixed + 29, 65_507) - fixed
        var answers: UInt16 = 0
        // Each record: pointer, type, class, TTL, length (12 bytes), then strings of at most 255.
        while left >= 13 {
            let data = min(left - 12, 65_280)
            out.appendBigEndian(questionPointer)
            out += [0, 16, 0, 1, 0, 0, 0, 60]
            out.appendBigEndian(UInt16(data))
            var dataLeft = data
            while dataLeft > 0 {
                let string = min(255, dataLeft - 1)
                out.append(UInt8(string))
                out.appendFiller(string)
                dataLeft -= 1 + string
            }
            left -= 12 + data
            answers += 1
        }
        out.setBigEndian(answers, at: answersAt)
        if query.hasEDNS { out += [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0] }
    }

    /// Appends a FORMERR answer to a query that could not be read, with its ID when it has one.
    static func appendFormatError(for bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        guard bytes.count >= 2 else { return }
        out += [bytes[0], bytes[1], 0x80 | (bytes.count > 2 ? bytes[2] & 0x01 : 0), 0x01, 0, 0, 0, 0, 0, 0, 0, 0]
    }

    /// Appends `name` as labels; names are checked where they are configured.
    static func appendName(_ name: String, into out: inout [UInt8]) {
        for label in name.split(separator: ".") where !label.isEmpty {
            out.append(UInt8(min(63, label.utf8.count)))
            out += label.utf8.prefix(63)
        }
        out.append(0)
    }

    /// Moves `index` past a name at `index`: labels, ending with the root or a pointer.
    static func skipName(_ bytes: UnsafeRawBufferPointer, at index: inout Int) throws(ProtocolError) {
        var length = 0
        while true {
            guard index < bytes.count else { throw ProtocolError(.dns, "a name cut short by the message's end") }
            let label = Int(bytes[index])
            if label == 0 {
                index += 1
                return
            }
            if label & 0xC0 == 0xC0 {
                guard index + 2 <= bytes.count else { throw ProtocolError(.dns, "a compression pointer cut short") }
                index += 2
                return
            }
            guard label & 0xC0 == 0 else { throw ProtocolError(.dns, "label type \(label >> 6): expected a plain label or a pointer") }
            length += label + 1
            guard length <= 255 else { throw ProtocolError(.dns, "a name over 255 bytes") }
            index += 1 + label
        }
    }
}
