/// The PostgreSQL protocol 3.0 messages FlowTest writes, both sides.
enum PostgresMessage {
    static let protocolVersion: UInt32 = 196_608
    static let sslRequest: UInt32 = 80_877_103
    /// RowDescription of one text column named "repeat" (32 bytes), what `repeat(...)` returns.
    static let rowDescriptionSize = 32
    /// CommandComplete "SELECT 1" (14) and ReadyForQuery (6).
    static let trailerSize = 20

    /// A message of `type` around `body`.
    static func append(_ type: UInt8, _ body: [UInt8], into out: inout [UInt8]) {
        out.append(type)
        out.appendBigEndian(UInt32(body.count + 4))
        out += body
    }

    /// The startup message of user and database `flowtest`, application `flowtest-<flow id>`.
    static func appendStartup(flowID: UInt64 = 0, into out: inout [UInt8]) {
        var body: [UInt8] = []
        body.appendBigEndian(protocolVersion)
        for text in ["user", "flowtest", "database", "flowtest", "application_name", "flowtest-\(flowID)"] {
            body.append(ascii: text)
            body.append(0)
        }
        body.append(0)
        out.appendBigEndian(UInt32(body.count + 4))
        out += body
    }

    /// An ErrorResponse with SQLSTATE `code` and `text` (severity ERROR).
    static func appendError(code: String, _ text: String, into out: inout [UInt8]) {
        var body: [UInt8] = []
        for (field, value) in [("S", "ERROR"), ("V", "ERROR"), ("C", code), ("M", text)] {
            body.append(ascii: field + value)
            body.append(0)
        }
        body.append(0)
        append(UInt8(ascii: "E"), body, into: &out)
    }

    static func appendReady(into out: inout [UInt8]) {
        append(UInt8(ascii: "Z"), [UInt8(ascii: "I")], into: &out)
    }

    /// The result of a one-row, one-column query, `size` bytes in all (the smallest, if larger).
    static func appendResult(size: Int, into out: inout [UInt8]) {
        var description: [UInt8] = [0, 1]
        description.append(ascii: "repeat")
        description += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0]
        append(UInt8(ascii: "T"), description, into: &out)
        let value = max(0, size - rowDescriptionSize - trailerSize - 11)
        out.append(UInt8(ascii: "D"))
        out.appendBigEndian(UInt32(10 + value))
        out += [0, 1]
        out.appendBigEndian(UInt32(value))
        out.appendFiller(value)
        append(UInt8(ascii: "C"), Array("SELECT 1\0".utf8), into: &out)
        appendReady(into: &out)
    }

    /// The `M` field of an ErrorResponse's body.
    static func errorText(_ body: [UInt8]) -> String {
        var index = 0
        while index < body.count, body[index] != 0 {
            let field = body[index]
            let end = body[(index + 1)...].firstIndex(of: 0) ?? body.count
            if field == UInt8(ascii: "M") { return String(decoding: body[(index + 1)..<end], as: UTF8.self) }
            index = end + 1
        }
        return "(no message)"
    }
}
