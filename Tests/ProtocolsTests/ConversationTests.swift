import Testing
@testable import FlowTestProtocols

/// A client conversation against the echo's responder, in memory: every protocol's requests are
/// recognised, answered with the size asked for, and each reply completes exactly at its end,
/// however the bytes are cut into pieces on the way.
@Suite("Protocols: client conversations against the echo's responder")
struct ConversationTests {
    /// Feeds `bytes` to `feed` in pieces of `piece` bytes (0: all at once).
    static func pieces(_ bytes: [UInt8], _ piece: Int) -> [[UInt8]] {
        guard piece > 0 else { return [bytes] }
        return stride(from: 0, to: bytes.count, by: piece).map { Array(bytes[$0..<min($0 + piece, bytes.count)]) }
    }

    /// Runs a whole conversation; returns the responses' sizes on the wire.
    static func converse(
        _ wire: WireProtocol, exchanges: [(request: Int, response: Int)], piece: Int, names: ProtocolNames = .defaults, port: Int = 0
    ) throws -> (responses: [Int], requests: [Int], answered: Int) {
        var client = ClientConversation(wire, names: names, flowID: 4_242_424_242)
        var answered = 0
        var flowID: UInt64?
        // A server that speaks first greets as soon as the connection is accepted.
        var greeting: [UInt8] = []
        var responder = ProtocolResponder(acceptedOn: port, greeting: &greeting)
        /// Sends client bytes to the responder and its reply back; true when the client's awaited reply is complete.
        func roundTrip(_ sent: [UInt8]) throws -> (complete: Bool, replyBytes: Int) {
            var reply = greeting
            greeting = []
            // A client writes each request at once, so the echo's first read holds its start.
            if responder == nil { responder = sent.withUnsafeBytes { ProtocolResponder(firstBytes: $0) } }
            for chunk in pieces(sent, piece) {
                chunk.withUnsafeBytes { bytes in
                    guard responder != nil else { return }
                    let outcome = responder!.consume(bytes, into: &reply)
                    answered += outcome.answered
                    flowID = outcome.flowID ?? flowID
                    #expect(outcome.malformed == nil, "\(outcome.malformed!)")
                }
            }
            #expect(responder?.wireProtocol == wire)
            var complete = false
            for (position, chunk) in pieces(reply, piece).enumerated() {
                #expect(!complete, "the reply was complete before its last piece")
                complete = try chunk.withUnsafeBytes { try client.consume($0) }
                _ = position
            }
            return (complete, reply.count)
        }
        var opening: [UInt8] = []
        while client.nextOpening(into: &opening) == .awaitReply {
            let (complete, _) = try roundTrip(opening)
            #expect(complete, "the opening's reply was not complete")
            opening = []
        }
        var responses: [Int] = []
        var requests: [Int] = []
        for (index, exchange) in exchanges.enumerated() {
            var request = index == 0 ? opening : []
            let before = request.count
            client.appendRequest(size: exchange.request, responseSize: exchange.response, into: &request)
            requests.append(request.count - before)
            let (complete, size) = try roundTrip(request)
            #expect(complete, "exchange \(index) did not complete")
            responses.append(size)
        }
        // The echo learnt which flow it serves, for its flow log.
        #expect(flowID == 4_242_424_242, "\(wire) did not carry its flow id")
        // The goodbye: answered where the protocol answers it, and the server is done.
        var farewell: [UInt8] = []
        if client.appendFarewell(into: &farewell) {
            let (complete, _) = try roundTrip(farewell)
            #expect(complete, "the goodbye's answer was not complete")
        } else if !farewell.isEmpty {
            var reply: [UInt8] = []
            let outcome = farewell.withUnsafeBytes { responder!.consume($0, into: &reply) }
            #expect(outcome.finished && reply.isEmpty)
        }
        return (responses, requests, answered)
    }

    static let exchanges = [(request: 200, response: 2_000), (request: 800, response: 65_536), (request: 180, response: 180), (request: 500, response: 40_000)]

    @Test(arguments: [WireProtocol.http, .tls, .redis, .postgresql], [0, 1, 7, 1_460])
    func responsesHaveTheDrawnSizes(_ wire: WireProtocol, piece: Int) throws {
        let result = try Self.converse(wire, exchanges: Self.exchanges, piece: piece)
        #expect(result.answered == Self.exchanges.count)
        #expect(result.responses == Self.exchanges.map(\.response))
        #expect(result.requests == Self.exchanges.map(\.request))
    }

    /// Sizes below what the protocol's smallest message takes get that smallest message.
    @Test(arguments: [
        (WireProtocol.http, 0), (.tls, 0), (.redis, 0), (.postgresql, 0), (.dns, 0), (.mysql, 3306), (.mongodb, 0), (.ssh, 0), (.smtp, 587), (.ftp, 21),
    ])
    func sizesBelowTheSmallestMessageStillComplete(_ wire: WireProtocol, port: Int) throws {
        let result = try Self.converse(wire, exchanges: [(request: 1, response: 1), (request: 32, response: 32)], piece: 0, port: port)
        #expect(result.answered == 2)
        #expect(result.responses.allSatisfy { $0 > 0 })
    }

    /// The protocols whose exchanges are not all sized: which replies keep their own size.
    @Test(arguments: [
        (WireProtocol.mysql, 3306, Set<Int>()), (.mongodb, 0, Set<Int>()), (.ssh, 0, Set<Int>()), (.smtp, 25, Set([2, 6])), (.ftp, 21, Set([0])),
    ], [0, 1, 1_460])
    func lineAndDatabaseProtocolsAnswerTheDrawnSizes(_ wire: (WireProtocol, Int, Set<Int>), piece: Int) throws {
        let (wire, port, natural) = wire
        let exchanges = (0..<8).map { (request: 200 + 8 * $0, response: [256, 2_048, 200, 512, 400, 304, 1_000, 4_096][$0]) }
        let result = try Self.converse(wire, exchanges: exchanges, piece: piece, port: port)
        #expect(result.answered >= exchanges.count)
        for (index, exchange) in exchanges.enumerated() where !natural.contains(index) {
            #expect(result.responses[index] == exchange.response, "\(wire) exchange \(index)")
        }
        if wire != .smtp && wire != .ftp {
            #expect(result.requests == exchanges.map(\.request), "\(wire)")
        }
    }

    @Test(arguments: [0, 1, 3])
    func dnsOverTCPIsAnsweredWithTheDrawnSizes(piece: Int) throws {
        let exchanges = [(request: 90, response: 512), (request: 100, response: 64), (request: 2, response: 40_000)]
        let result = try Self.converse(.dns, exchanges: exchanges, piece: piece)
        #expect(result.answered == 3)
        #expect(result.responses == [512, 64, 40_000].map { $0 })
        #expect(result.requests[0] == 90 && result.requests[1] == 100)
    }

    /// The names given are the ones on the wire: Host and path, SNI, the DNS question.
    @Test func theNamesGivenAreOnTheWire() throws {
        let names = ProtocolNames(host: "shop.example.org", path: "/api/v1/items", dnsName: "db.internal.example.org")
        var http: [UInt8] = []
        var client = ClientConversation(.http, names: names)
        client.appendRequest(size: 300, responseSize: 100, into: &http)
        let text = String(decoding: http, as: UTF8.self)
        #expect(text.hasPrefix("GET /api/v1/items HTTP/1.1\r\nHost: shop.example.org\r\n"))
        var tls: [UInt8] = []
        var hello = ClientConversation(.tls, names: names)
        _ = hello.nextOpening(into: &tls)
        #expect(tls.count > 100 && tls.firstRange(of: Array("shop.example.org".utf8)) != nil)
        var query: [UInt8] = []
        DNSMessage.appendQuery(id: 7, name: names.dnsName, size: 40, responseSize: 300, into: &query)
        #expect(query.firstRange(of: [2] + Array("db".utf8) + [8] + Array("internal".utf8) + [7] + Array("example".utf8) + [3] + Array("org".utf8) + [0]) != nil)
    }
}
