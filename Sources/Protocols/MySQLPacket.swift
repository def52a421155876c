/// The MySQL client/server protocol's packets FlowTest writes (protocol 10, CLIENT_PROTOCOL_41,
/// `mysql_native_password` with an empty password), both sides.
enum MySQLPacket {
    /// CLIENT_LONG_PASSWORD, FOUND_ROWS, LONG_FLAG, CONNECT_WITH_DB, PROTOCOL_41, TRANSACTIONS,
    /// SECURE_CONNECTION, PLUGIN_AUTH: what a classic client and server both offer.
    static let capabilities: UInt32 = 0x000A_A20F
    static let protocol41: UInt32 = 0x0200
    /// The largest payload of one packet (2^24 - 1).
    static let largestPayload = 16_777_215

    /// A packet of `payload` with sequence id `sequence`.
    static func append(_ payload: [UInt8], sequence: UInt8, into out: inout [UInt8]) {
        out += [UInt8(payload.count & 0xff), UInt8(payload.count >> 8 & 0xff), UInt8(payload.count >> 16 & 0xff), sequence]
        out += payload
    }

    /// The server's HandshakeV10 greeting.
    static func appendGreeting(into out: inout [UInt8]) {
        var payload: [UInt8] = [10]
        payload.append(ascii: "8.0.36-flowtest-echo")
        payload.append(0)
        payload.appendLittleEndian(UInt32(1))
        payload += Array("FlowTest".utf8) + [0]
        payload.appendLittleEndian(UInt16(capabilities & 0xffff))
        payload += [255]
        payload.appendLittleEndian(UInt16(2))
        payload.appendLittleEndian(UInt16(capabilities >> 16))
        payload += [21] + [UInt8](repeating: 0, count: 10)
        payload += Array("echoscramble".utf8) + [0]
        payload.append(ascii: "mysql_native_password")
        payload.append(0)
        append(payload, sequence: 0, into: &out)
    }

    /// The client's HandshakeResponse41: user and database `flowtest`, no password.
    static func appendLogin(into out: inout [UInt8]) {
        var payload: [UInt8] = []
        payload.appendLittleEndian(capabilities)
        payload.appendLittleEndian(UInt32(16_777_216))
        payload += [255] + [UInt8](repeating: 0, count: 23)
        payload += Array("flowtest".utf8) + [0]
        payload += [0]
        payload += Array("flowtest".utf8) + [0]
        payload.append(ascii: "mysql_native_password")
        payload.append(0)
        append(payload, sequence: 1, into: &out)
    }

    static func appendOK(sequence: UInt8, into out: inout [UInt8]) {
        append([0, 0, 0, 2, 0, 0, 0], sequence: sequence, into: &out)
    }

    /// An ERR packet with `code`, SQLSTATE `state` and `text`.
    static func appendError(code: UInt16, state: String, _ text: String, sequence: UInt8, into out: inout [UInt8]) {
        var payload: [UInt8] = [0xff]
        payload.appendLittleEndian(code)
        payload.append(ascii: "#" + state + text)
        append(payload, sequence: sequence, into: &out)
    }

    /// The result set of one row of one text column, `size` bytes in all (its smallest, if larger).
    static func appendResult(size: Int, into out: inout [UInt8]) {
        let start = out.count
        append([1], sequence: 1, into: &out)
        var column: [UInt8] = []
        for text in ["def", "", "", "", "repeat", ""] {
            column.append(UInt8(text.utf8.count))
            column.append(ascii: text)
        }
        column += [0x0c, 255, 0]
        column.appendLittleEndian(UInt32(67_108_864))
        column += [0xfd, 0, 0, 0x1f, 0, 0]
        append(column, sequence: 2, into: &out)
        let eof: [UInt8] = [0xfe, 0, 0, 2, 0]
        append(eof, sequence: 3, into: &out)
        let fixed = out.count - start + 4 + 9
        // The row: the value's length-encoded length, then the value.
        var value = size - fixed - 1
        if value >= 251 { value = size - fixed - 3 }
        if value >= 65_536 { value = size - fixed - 4 }
        value = max(0, min(value, largestPayload - 4))
        var row: [UInt8] = []
        if value < 251 {
            row.append(UInt8(value))
        } else if value < 65_536 {
            row.append(0xfc)
            row.appendLittleEndian(UInt16(value))
        } else {
            row += [0xfd, UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff)]
        }
        row.appendFiller(value)
        append(row, sequence: 4, into: &out)
        append(eof, sequence: 5, into: &out)
    }

    /// An ERR packet's message, for the client's error.
    static func errorText(_ payload: [UInt8]) -> String {
        guard payload.count > 3 else { return "(no message)" }
        let code = UInt16(payload[1]) | UInt16(payload[2]) << 8
        let text = payload.count > 9 && payload[3] == UInt8(ascii: "#") ? payload[9...] : payload[3...]
        return "\(code) \(String(decoding: text, as: UTF8.self))"
    }
}
