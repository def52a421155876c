/// MongoDB's OP_MSG (opcode 2013): a 16-byte little-endian header (length, request id, the id
/// answered, opcode), flag bits, and one body section (kind 0) holding a BSON document.
enum MongoMessage {
    static let opMsg: Int32 = 2013
    /// The largest message a MongoDB server accepts (48 MB).
    static let largest = 48_000_000

    /// Appends an OP_MSG with `fields` as its body.
    static func append(requestID: Int32, responseTo: Int32, _ fields: [(String, BSONDocument.Value)], into out: inout [UInt8]) {
        let start = out.count
        out += [0, 0, 0, 0]
        out.appendLittleEndian(requestID)
        out.appendLittleEndian(responseTo)
        out.appendLittleEndian(opMsg)
        out += [0, 0, 0, 0, 0]
        BSONDocument.append(fields, into: &out)
        let length = Int32(out.count - start)
        out.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: start, as: Int32.self) }
    }

    /// The body document's fields of a whole OP_MSG in `message` (header included).
    static func body(_ message: [UInt8]) throws(ProtocolError) -> [String: String] {
        guard message.count >= 21 else { throw ProtocolError(.mongodb, "an OP_MSG of \(message.count) bytes") }
        let opcode = Int32(message[12]) | Int32(message[13]) << 8 | Int32(message[14]) << 16 | Int32(message[15]) << 24
        guard opcode == opMsg else { throw ProtocolError(.mongodb, "opcode \(opcode): expected OP_MSG (2013)") }
        guard message[16..<20].allSatisfy({ $0 == 0 }) || message[16] & 0x01 != 0 else {
            throw ProtocolError(.mongodb, "OP_MSG flag bits \(message[16..<20].map { $0 }): expected none required")
        }
        // A checksum (flag bit 0) takes the last 4 bytes; the body section comes first.
        guard message[20] == 0 else { throw ProtocolError(.mongodb, "section kind \(message[20]) first: expected the body (0)") }
        return try BSONDocument.fields(message[21...]).fields
    }
}
