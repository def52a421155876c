/// MongoDB's legacy OP_QUERY (2004) and OP_REPLY (1), as far as a driver's handshake needs
/// them: most drivers (Go's, Java's, pymongo's before 4.14) still send their first `isMaster`
/// as an OP_QUERY on `admin.$cmd` unless told a server API version, and read an OP_REPLY.
enum MongoLegacyMessage {
    static let opQuery: Int32 = 2004
    static let opReply: Int32 = 1

    /// An OP_QUERY read: the collection it names and its query document's fields.
    struct Query: Sendable {
        var collection: String
        /// The query document's first field: a command's name, on `<db>.$cmd`.
        var command: String
        var fields: [String: String]
    }

    /// The OP_QUERY in the whole `message` (header included): flags, a C-string collection,
    /// numberToSkip, numberToReturn, then the query document.
    static func query(_ message: [UInt8]) throws(ProtocolError) -> Query {
        guard message.count >= 21, let nameEnd = message[20...].firstIndex(of: 0) else {
            throw ProtocolError(.mongodb, "an OP_QUERY of \(message.count) bytes without its collection name")
        }
        let start = nameEnd + 9
        guard start + 5 <= message.count else { throw ProtocolError(.mongodb, "an OP_QUERY without its query document") }
        let document = message[start...]
        let fields = try BSONDocument.fields(document).fields
        // The first element: a type byte, then its name up to a 0 (BSONDocument.fields checked both).
        let firstName = document[(start + 5)...].prefix { $0 != 0 }
        return Query(
            collection: String(decoding: message[20..<nameEnd], as: UTF8.self),
            command: document[start + 4] == 0 ? "" : String(decoding: firstName, as: UTF8.self), fields: fields)
    }

    /// An OP_REPLY of one document, `fields`, answering request `responseTo`.
    static func appendReply(requestID: Int32, responseTo: Int32, _ fields: [(String, BSONDocument.Value)], into out: inout [UInt8]) {
        let start = out.count
        out += [0, 0, 0, 0]
        out.appendLittleEndian(requestID)
        out.appendLittleEndian(responseTo)
        out.appendLittleEndian(opReply)
        // responseFlags (none), cursorID 0 (no more), startingFrom 0, numberReturned 1.
        out += [UInt8](repeating: 0, count: 16)
        out.appendLittleEndian(Int32(1))
        BSONDocument.append(fields, into: &out)
        let length = Int32(out.count - start)
        out.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: start, as: Int32.self) }
    }
}
