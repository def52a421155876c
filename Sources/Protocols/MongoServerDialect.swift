/// The echo's MongoDB: answers OP_MSG `find` with a batch of one document sized by the
/// command's `comment` (`flowtest response-size=N`), `ping`, `hello` and `isMaster` as a
/// standalone server does, and any other command with CommandNotFound (59). A driver's legacy
/// handshake, `isMaster` or `hello` in an OP_QUERY, gets an OP_REPLY; any other OP_QUERY gets
/// UnsupportedOpQueryCommand (352), as from MongoDB 6.
///
/// A message that breaks the framing, another opcode, or BSON that overruns itself gets an
/// error reply (ok 0, code 2, BadValue) and the connection is closed, counted malformed.
struct MongoServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = MongoMessageReader()
    private var replyID: Int32 = 0
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes are a message header for OP_MSG or OP_QUERY: a
    /// plausible length, no request answered, opcode 2013 or 2004.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 16 else { return false }
        let length = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int32.self))
        let responseTo = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self))
        let opcode = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: Int32.self))
        return length >= 21 && Int(length) <= MongoMessage.largest && responseTo == 0
            && (opcode == MongoMessage.opMsg || opcode == MongoLegacyMessage.opQuery)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        var requestID: Int32 = 0
        do throws(ProtocolError) {
            while try reader.next(bytes, from: &index) {
                let message = reader.message
                requestID = Int32(message[4]) | Int32(message[5]) << 8 | Int32(message[6]) << 16 | Int32(message[7]) << 24
                let opcode = Int32(message[12]) | Int32(message[13]) << 8 | Int32(message[14]) << 16 | Int32(message[15]) << 24
                if opcode == MongoLegacyMessage.opQuery {
                    let query = try MongoLegacyMessage.query(message)
                    replyID &+= 1
                    answerLegacy(query, requestID: requestID, into: &out)
                    outcome.answered += 1
                    continue
                }
                let body = try MongoMessage.body(message)
                flowID = body["comment"].flatMap { FlowTag.flowID(in: Array($0.utf8.prefix(80))) } ?? flowID
                replyID &+= 1
                answer(body, requestID: requestID, into: &out)
                outcome.answered += 1
            }
        } catch {
            replyID &+= 1
            MongoMessage.append(requestID: replyID, responseTo: requestID, [
                ("ok", .double(0)), ("errmsg", .string(error.reason)), ("code", .int32(2)), ("codeName", .string("BadValue")),
            ], into: &out)
            outcome.malformed = error
        }
        return outcome
    }

    private func answer(_ body: [String: String], requestID: Int32, into out: inout [UInt8]) {
        if body["find"] != nil {
            let comment = body["comment"] ?? ""
            let size = comment.firstRange(of: "flowtest response-size=").flatMap {
                Int(comment[$0.upperBound...].prefix(while: \.isNumber).prefix(9))
            }.map { min($0, Self.largestResponse) } ?? 0
            // The reply without the data string's letters is 117 bytes and the namespace's.
            let namespace = "\(body["$db"] ?? "flowtest").\(body["find"]!)"
            let letters = max(0, size - 117 - namespace.utf8.count)
            MongoMessage.append(requestID: replyID, responseTo: requestID, [
                ("cursor", .document([
                    ("firstBatch", .array([.document([("_id", .int32(1)), ("data", .filler(prefix: "", count: letters))])])),
                    ("id", .int64(0)), ("ns", .string(namespace)),
                ])),
                ("ok", .double(1)),
            ], into: &out)
        } else if body["ping"] != nil {
            MongoMessage.append(requestID: replyID, responseTo: requestID, [("ok", .double(1))], into: &out)
        } else if body["hello"] != nil || body["isMaster"] != nil || body["ismaster"] != nil {
            MongoMessage.append(requestID: replyID, responseTo: requestID, Self.helloFields(legacy: body["hello"] == nil), into: &out)
        } else {
            MongoMessage.append(requestID: replyID, responseTo: requestID, [
                ("ok", .double(0)), ("errmsg", .string("no such command")), ("code", .int32(59)), ("codeName", .string("CommandNotFound")),
            ], into: &out)
        }
    }

    /// An OP_QUERY: the handshake's `isMaster` or `hello` on a `$cmd` collection is answered;
    /// anything else gets the error a MongoDB 6 or later answers.
    private func answerLegacy(_ query: MongoLegacyMessage.Query, requestID: Int32, into out: inout [UInt8]) {
        let handshake = ["isMaster", "ismaster", "hello"].contains(query.command)
        guard query.collection.hasSuffix(".$cmd"), handshake else {
            let name = query.collection.hasSuffix(".$cmd") ? query.command : "find"
            MongoLegacyMessage.appendReply(requestID: replyID, responseTo: requestID, [
                ("ok", .double(0)), ("errmsg", .string("Unsupported OP_QUERY command: \(name). The client driver may require an upgrade.")),
                ("code", .int32(352)), ("codeName", .string("UnsupportedOpQueryCommand")),
            ], into: &out)
            return
        }
        MongoLegacyMessage.appendReply(requestID: replyID, responseTo: requestID, Self.helloFields(legacy: query.command != "hello"), into: &out)
    }

    /// A standalone server's answer to `hello` (or to the `legacy` isMaster, which says
    /// `ismaster`): `helloOk` moves the driver on to `hello`, and logical sessions are offered
    /// as any server since 3.6 does (drivers then send `lsid` with their commands).
    static func helloFields(legacy: Bool) -> [(String, BSONDocument.Value)] {
        [
            (legacy ? "ismaster" : "isWritablePrimary", .bool(true)), ("helloOk", .bool(true)),
            ("maxBsonObjectSize", .int32(16_777_216)), ("maxMessageSizeBytes", .int32(48_000_000)),
            ("maxWriteBatchSize", .int32(100_000)), ("logicalSessionTimeoutMinutes", .int32(30)), ("connectionId", .int32(1)),
            ("minWireVersion", .int32(0)), ("maxWireVersion", .int32(21)), ("readOnly", .bool(false)), ("ok", .double(1)),
        ]
    }
}
