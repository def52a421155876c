import Testing
@testable import FlowTestProtocols

/// DNS over UDP: one query, one answer of the size asked for, matched by ID; broken queries get
/// FORMERR; datagrams that are no query are left to the echo.
@Suite("Protocols: DNS datagrams")
struct DatagramTests {
    static func answer(_ datagram: [UInt8]) -> (outcome: ResponderOutcome?, reply: [UInt8]) {
        var reply: [UInt8] = []
        let outcome = datagram.withUnsafeBytes { ProtocolResponder.answerDatagram($0, into: &reply) }
        return (outcome, reply)
    }

    @Test(arguments: [(32, 64), (100, 512), (73, 100), (80, 4_000), (40, 65_507)])
    func answersHaveTheDrawnSizeAndTheQueryID(request: Int, response: Int) throws {
        var query: [UInt8] = []
        DNSMessage.appendQuery(id: 0xBEEF, name: ProtocolNames.defaults.dnsName, size: request, responseSize: response, flowID: 77, into: &query)
        #expect(query.count == max(request, 69), "the smallest query for the default name is 69 bytes")
        let (outcome, reply) = Self.answer(query)
        #expect(outcome == ResponderOutcome(answered: 1, flowID: 77))
        #expect(query.withUnsafeBytes { ProtocolResponder.flowID(inDatagram: $0) } == 77, "what a flow log reads apart from the answer")
        #expect(reply.count == response)
        #expect(try reply.withUnsafeBytes { try DNSMessage.answerID($0) } == 0xBEEF)
    }

    @Test func brokenQueriesGetFormatErrorsWithTheirID() throws {
        var query: [UInt8] = []
        DNSMessage.appendQuery(id: 0x1234, name: "a.example", size: 40, responseSize: 100, into: &query)
        for broken in [Array(query.prefix(20)), query + [1, 2, 3], Array(query.prefix(12)) + [70, 65]] {
            let (outcome, reply) = Self.answer(broken)
            #expect(outcome?.malformed != nil && outcome?.answered == 0)
            #expect(reply.count == 12 && reply[0] == 0x12 && reply[1] == 0x34 && reply[3] & 0x0f == 1)
            #expect(throws: ProtocolError(.dns, "RCODE 1 (FORMERR): expected NOERROR")) { try reply.withUnsafeBytes { try DNSMessage.answerID($0) } }
        }
    }

    @Test func datagramsThatAreNoQueryAreLeftToTheEcho() {
        let header: [UInt8] = [0x46, 0x54, 0x48, 0x32] + [UInt8](repeating: 0, count: 28)
        let fth1: [UInt8] = [0x46, 0x54, 0x48, 0x31, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 16)
        for datagram in [header, fth1, [1, 2, 3], (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }] {
            #expect(Self.answer(datagram).outcome == nil)
        }
    }
}
