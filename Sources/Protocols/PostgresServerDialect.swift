/// The echo's PostgreSQL: accepts any startup as a `trust` server does (AuthenticationOk,
/// ParameterStatus, BackendKeyData, ReadyForQuery), and answers each simple Query with one row
/// that makes the answer the size its `flowtest response-size=N` comment asks for.
///
/// SSLRequest gets `N` (no TLS here), as from a server without SSL. Other valid messages
/// (the extended protocol's Parse, Bind...) get ErrorResponse 0A000 feature_not_supported.
/// Bytes that break the framing get ErrorResponse 08P01 protocol_violation, and the connection
/// is closed, as the real server does.
struct PostgresServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = PostgresMessageReader(untyped: true)
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes are a startup message or an SSLRequest: a length, then
    /// protocol 3.0 or the SSLRequest code.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 8 else { return false }
        let length: UInt32 = bytes.bigEndian(at: 0)
        let code: UInt32 = bytes.bigEndian(at: 4)
        return length >= 8 && length <= 10_000 && (code == PostgresMessage.protocolVersion || code == PostgresMessage.sslRequest)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while let message = try reader.next(bytes, from: &index) {
                switch message.type {
                case 0: try start(message.body, into: &out)
                case UInt8(ascii: "Q"):
                    PostgresMessage.appendResult(size: try Self.responseSize(message.body), into: &out)
                    outcome.answered += 1
                case UInt8(ascii: "X"):
                    outcome.finished = true
                    return outcome
                case UInt8(ascii: "P"), UInt8(ascii: "B"), UInt8(ascii: "E"), UInt8(ascii: "D"), UInt8(ascii: "S"), UInt8(ascii: "H"),
                    UInt8(ascii: "C"), UInt8(ascii: "F"), UInt8(ascii: "d"), UInt8(ascii: "c"), UInt8(ascii: "f"), UInt8(ascii: "p"):
                    PostgresMessage.appendError(code: "0A000", "the FlowTest echo answers simple queries only", into: &out)
                    PostgresMessage.appendReady(into: &out)
                default:
                    throw ProtocolError(.postgresql, "message type \(message.type): expected a frontend message such as Q or X")
                }
            }
        } catch {
            PostgresMessage.appendError(code: "08P01", error.reason, into: &out)
            outcome.malformed = error
        }
        return outcome
    }

    /// Answers a startup message or an SSLRequest.
    private mutating func start(_ body: [UInt8], into out: inout [UInt8]) throws(ProtocolError) {
        guard body.count >= 4 else { throw ProtocolError(.postgresql, "a startup message of \(body.count + 4) bytes") }
        let code = body.bigEndian(at: 0, as: UInt32.self)
        if code == PostgresMessage.sslRequest {
            out.append(UInt8(ascii: "N"))
            reader.untyped = true
            return
        }
        guard code == PostgresMessage.protocolVersion else {
            throw ProtocolError(.postgresql, "protocol version \(code >> 16).\(code & 0xffff): expected 3.0")
        }
        let parameters = body[4...].split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let user = parameters.firstIndex(of: "user"), user + 1 < parameters.count, user % 2 == 0 else {
            throw ProtocolError(.postgresql, "a startup message without a user")
        }
        if let name = parameters.firstIndex(of: "application_name"), name + 1 < parameters.count, parameters[name + 1].hasPrefix("flowtest-") {
            flowID = UInt64(parameters[name + 1].dropFirst(9))
        }
        PostgresMessage.append(UInt8(ascii: "R"), [0, 0, 0, 0], into: &out)
        for (name, value) in [("server_version", "16.0 (FlowTest echo)"), ("client_encoding", "UTF8"), ("server_encoding", "UTF8")] {
            PostgresMessage.append(UInt8(ascii: "S"), Array("\(name)\0\(value)\0".utf8), into: &out)
        }
        PostgresMessage.append(UInt8(ascii: "K"), [0, 0, 0, 1, 0x46, 0x54, 0x00, 0x01], into: &out)
        PostgresMessage.appendReady(into: &out)
    }

    /// The size a query's comment asks for; a query without one gets the smallest result.
    private static func responseSize(_ body: [UInt8]) throws(ProtocolError) -> Int {
        guard body.last == 0 || body.count == 4_096 else { throw ProtocolError(.postgresql, "a Query whose text does not end with NUL") }
        let text = String(decoding: body, as: UTF8.self)
        guard let marker = text.firstRange(of: "flowtest response-size=") else { return 0 }
        let digits = text[marker.upperBound...].prefix(while: \.isNumber)
        guard let size = Int(digits), size <= largestResponse else {
            throw ProtocolError(.postgresql, "response-size \"\(digits.prefix(12))\": expected 0...\(largestResponse)")
        }
        return size
    }
}
