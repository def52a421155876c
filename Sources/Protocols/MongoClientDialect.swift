/// MongoDB's OP_MSG as a driver speaks it: one `find` on `flowtest.flowtest` per exchange.
///
/// The command's `comment` (any value, which the server only logs) carries
/// `flowtest response-size=N` and the filler that makes up the request's size; the echo answers
/// with a first batch of one document whose `data` string makes the reply that size. A real
/// mongod answers with an empty batch, which completes the exchange too.
struct MongoClientDialect: ClientDialect {
    private var reader = MongoMessageReader()
    private var requestID: Int32 = 0
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    func openingStep(into out: inout [UInt8]) -> OpeningStep { .ready }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        requestID &+= 1
        let prefix = "flowtest response-size=\(responseSize) flow=\(flowID) "
        // The message without the comment's filler is 115 bytes and the prefix.
        let filler = max(0, size - 115 - prefix.utf8.count)
        MongoMessage.append(requestID: requestID, responseTo: 0, [
            ("find", .string("flowtest")), ("filter", .document([])), ("limit", .int32(1)), ("singleBatch", .bool(true)),
            ("comment", .filler(prefix: prefix, count: filler)), ("$db", .string("flowtest")),
        ], into: &out)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard try reader.next(bytes, from: &index) else { return false }
        guard index == bytes.count else { throw ProtocolError(.mongodb, "\(bytes.count - index) bytes after the reply") }
        let answered = Int32(reader.message[8]) | Int32(reader.message[9]) << 8 | Int32(reader.message[10]) << 16 | Int32(reader.message[11]) << 24
        guard answered == requestID else { throw ProtocolError(.mongodb, "a reply to request \(answered): expected \(requestID)") }
        let body = try MongoMessage.body(reader.message)
        guard body["ok"] == "1.0" || body["ok"] == "1" else {
            throw ProtocolError(.mongodb, "the server answered ok: \(body["ok"] ?? "?"): \(body["errmsg"] ?? "no errmsg")")
        }
        return true
    }
}
