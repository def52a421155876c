/// A DNS query as the echo reads it (RFC 1035 4.1): its ID, flags and question, and the
/// response size FlowTest asks for in an EDNS option.
struct DNSQuery: Sendable {
    var id: UInt16
    var recursionDesired: Bool
    /// Where the question (name, type, class) lies in the message: copied into the answer.
    var question: Range<Int>
    /// Whether the query has an OPT record (EDNS), which the answer then has too.
    var hasEDNS: Bool
    /// The response size asked for (option 65001); nil from any other client.
    var responseSize: Int?
    /// The flow id (option 65002); nil from any other client.
    var flowID: UInt64?

    /// Reads a query; throws what a FORMERR would be answered for.
    init(parsing bytes: UnsafeRawBufferPointer) throws(ProtocolError) {
        guard bytes.count >= 12 else { throw ProtocolError(.dns, "\(bytes.count) bytes: expected at least a 12-byte header") }
        id = bytes.bigEndian(at: 0)
        let flags: UInt16 = bytes.bigEndian(at: 2)
        guard flags & 0x8000 == 0, flags & 0x7800 == 0 else { throw ProtocolError(.dns, "flags \(flags): expected a standard query (QR 0, opcode 0)") }
        recursionDesired = flags & 0x0100 != 0
        let (questions, answers, authorities, additionals): (UInt16, UInt16, UInt16, UInt16) =
            (bytes.bigEndian(at: 4), bytes.bigEndian(at: 6), bytes.bigEndian(at: 8), bytes.bigEndian(at: 10))
        guard questions == 1, answers == 0, authorities == 0 else {
            throw ProtocolError(.dns, "\(questions) questions, \(answers) answers, \(authorities) authority records: expected one question alone")
        }
        var index = 12
        try DNSMessage.skipName(bytes, at: &index)
        guard index + 4 <= bytes.count else { throw ProtocolError(.dns, "a question cut short before its type and class") }
        index += 4
        question = 12..<index
        hasEDNS = false
        for _ in 0..<additionals {
            let nameStart = index
            try DNSMessage.skipName(bytes, at: &index)
            guard index + 10 <= bytes.count else { throw ProtocolError(.dns, "an additional record cut short") }
            let type: UInt16 = bytes.bigEndian(at: index)
            let length = Int(bytes.bigEndian(at: index + 8, as: UInt16.self))
            index += 10
            guard index + length <= bytes.count else { throw ProtocolError(.dns, "record data of \(length) bytes past the message's end") }
            if type == 41 {
                guard index - 10 == nameStart + 1 else { throw ProtocolError(.dns, "an OPT record whose name is not the root") }
                hasEDNS = true
                (responseSize, flowID) = try Self.options(in: UnsafeRawBufferPointer(rebasing: bytes[index..<index + length]))
            }
            index += length
        }
        guard index == bytes.count else { throw ProtocolError(.dns, "\(bytes.count - index) bytes after the last record") }
    }

    /// FlowTest's options in OPT data (RFC 6891's local use range): the response size (65001,
    /// 4 bytes) and the flow id (65002, 8 bytes).
    private static func options(in options: UnsafeRawBufferPointer) throws(ProtocolError) -> (size: Int?, flowID: UInt64?) {
        var index = 0
        var size: Int?
        var flowID: UInt64?
        while index < options.count {
            guard index + 4 <= options.count else { throw ProtocolError(.dns, "an EDNS option cut short") }
            let code: UInt16 = options.bigEndian(at: index)
            let length = Int(options.bigEndian(at: index + 2, as: UInt16.self))
            guard index + 4 + length <= options.count else { throw ProtocolError(.dns, "EDNS option \(code) of \(length) bytes past its record") }
            if code == DNSMessage.responseSizeOption {
                guard length == 4 else { throw ProtocolError(.dns, "FlowTest's response size option of \(length) bytes: expected 4") }
                size = Int(options.bigEndian(at: index + 4, as: UInt32.self))
            }
            if code == DNSMessage.flowOption {
                guard length == 8 else { throw ProtocolError(.dns, "FlowTest's flow id option of \(length) bytes: expected 8") }
                flowID = options.bigEndian(at: index + 4, as: UInt64.self)
            }
            index += 4 + length
        }
        return (size, flowID)
    }
}
