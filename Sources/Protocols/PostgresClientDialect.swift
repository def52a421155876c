/// PostgreSQL's wire protocol as an application's connection speaks it: the startup message
/// (user and database `flowtest`, no password), then one simple Query per exchange.
///
/// Each query is `SELECT repeat('x', n) /* flowtest response-size=N ... */`: a real server
/// returns a row that makes its answer about the drawn size, and the echo reads the comment
/// and answers exactly that size. The comment's padding brings the query to the request's
/// size. A server that asks for a password is reported as such: FlowTest connects as a
/// `trust` user only.
struct PostgresClientDialect: ClientDialect {
    private var reader = PostgresMessageReader(untyped: false)
    private var started = false
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        guard !started else { return .ready }
        started = true
        PostgresMessage.appendStartup(flowID: flowID, into: &out)
        return .awaitReply
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        let value = max(0, responseSize - PostgresMessage.rowDescriptionSize - PostgresMessage.trailerSize - 11)
        let text = "SELECT repeat('x', \(value)) /* flowtest response-size=\(responseSize) flow=\(flowID) "
        var body = Array(text.utf8)
        body.appendFiller(size - 5 - body.count - 4)
        body.append(ascii: " */")
        body.append(0)
        PostgresMessage.append(UInt8(ascii: "Q"), body, into: &out)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        var ready = false
        while let message = try reader.next(bytes, from: &index) {
            guard !ready else { throw ProtocolError(.postgresql, "a message after ReadyForQuery") }
            switch message.type {
            case UInt8(ascii: "E"):
                throw ProtocolError(.postgresql, "the server answered ErrorResponse: \(PostgresMessage.errorText(message.body))")
            case UInt8(ascii: "R"):
                let method = message.body.count >= 4 ? message.body.bigEndian(at: 0, as: UInt32.self) : 99
                guard method == 0 else {
                    throw ProtocolError(.postgresql, "the server asks for authentication method \(method): FlowTest connects as a trust user without a password")
                }
            case UInt8(ascii: "Z"): ready = true
            default: continue
            }
        }
        return ready
    }

    func appendFarewell(into out: inout [UInt8]) -> Bool {
        PostgresMessage.append(UInt8(ascii: "X"), [], into: &out)
        return false
    }
}
