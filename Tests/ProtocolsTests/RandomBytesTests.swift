import Testing
@testable import FlowTestProtocols

/// Random bytes after a valid start, and random answers to a client, never crash either side:
/// they end as the protocol's error, or wait for more.
@Suite("Protocols: random bytes from a peer")
struct RandomBytesTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func starts() -> [[UInt8]] {
        var tls: [UInt8] = []
        var hello = ClientConversation(.tls)
        _ = hello.nextOpening(into: &tls)
        var postgres: [UInt8] = []
        PostgresMessage.appendStartup(into: &postgres)
        var dns: [UInt8] = [0, 57]
        DNSMessage.appendQuery(id: 1, name: "a.example", size: 40, responseSize: 100, into: &dns)
        var mongo: [UInt8] = []
        var client = ClientConversation(.mongodb)
        client.appendRequest(size: 200, responseSize: 300, into: &mongo)
        var ssh: [UInt8] = []
        var sshClient = ClientConversation(.ssh)
        _ = sshClient.nextOpening(into: &ssh)
        return [
            Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), tls, postgres, Array("*1\r\n$4\r\nPING\r\n".utf8), dns, mongo, ssh,
            Array("EHLO a\r\nMAIL FROM:<a@b>\r\n".utf8), Array("USER a\r\nPASS b\r\n".utf8), [],
        ]
    }

    /// The port each start is answered on: the server-first protocols' (SMTP, FTP, MySQL).
    static let ports = [0, 0, 0, 0, 0, 0, 0, 25, 21, 3306]

    @Test(arguments: 0..<10)
    func theEchoNeverCrashes(_ protocolIndex: Int) {
        var random = SplitMix(state: UInt64(protocolIndex))
        for round in 0..<200 {
            let start = Self.starts()[protocolIndex]
            var greeting: [UInt8] = []
            let byPort = ProtocolResponder(acceptedOn: Self.ports[protocolIndex], greeting: &greeting)
            guard var responder = byPort ?? start.withUnsafeBytes({ ProtocolResponder(firstBytes: $0) }) else {
                Issue.record("round \(round): the start of protocol \(protocolIndex) was not recognised")
                return
            }
            var out: [UInt8] = []
            let garbage = (0..<Int.random(in: 1...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            // A random cut of the valid start, then garbage.
            let cut = Int.random(in: 0...start.count, using: &random)
            for piece in [Array(start[..<cut]), Array(start[cut...]), garbage] where !piece.isEmpty {
                let outcome = piece.withUnsafeBytes { responder.consume($0, into: &out) }
                if outcome.closes { break }
            }
        }
    }

    @Test(arguments: WireProtocol.allCases)
    func clientsNeverCrash(_ wire: WireProtocol) {
        var random = SplitMix(state: 99)
        for _ in 0..<200 {
            var client = ClientConversation(wire)
            var out: [UInt8] = []
            // Garbage where the opening's reply is due, or a response.
            if Bool.random(using: &random), client.nextOpening(into: &out) == .ready { client.appendRequest(size: 100, responseSize: 100, into: &out) }
            let garbage = (0..<Int.random(in: 1...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? garbage.withUnsafeBytes { try client.consume($0) }
        }
    }
}
