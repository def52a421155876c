import FlowTestDataPlane
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The echo's data plane (issue 26): epoll loops that each own a SO_REUSEPORT socket per
/// listening address. What holds besides the echo's behaviour (EchoTests runs on it too).
@Suite("Echo data plane: loops of their own, one port, nothing shared by accident")
struct EchoDataPlaneTests {
    /// The kernel spreads connections over the loops' sockets: each loop serves some of them.
    @Test func connectionsAreSpreadOverEveryLoopsSocket() async throws {
        let plane = EchoDataPlane(loops: 2, connectionLimit: 1_000, idleTimeout: nil, observer: nil)
        let (port, shards) = try plane.bind(.tcp, try #require(ListenAddress(host: "127.0.0.1", port: 0)), ipv6Only: false)
        try plane.start()
        // 64 connections from 64 source ports: all on one socket would be a 1 in 2^63 hash.
        var sockets: [TestSocket] = []
        for index in 0..<64 {
            let socket = try TestSocket.tcp(port)
            try socket.send([UInt8(index)])
            #expect(try await blocking { try socket.receive(exactly: 1) } == [UInt8(index)])
            sockets.append(socket)
        }
        let accepted = shards.map { $0.values().connectionsAccepted }
        #expect(accepted.reduce(0, +) == 64 && accepted.allSatisfy { $0 > 0 }, "\(accepted)")
        #expect(plane.activeConnections == 64)
        sockets.removeAll()
        await plane.stop()
    }

    /// SO_REUSEPORT would let a second echo of the same user share a port unnoticed and take half
    /// its datagrams; a port held by an echo is refused to the next, for UDP as for TCP.
    @Test func aUDPPortHeldByAnotherEchoIsAStartupError() async throws {
        let first = try await EchoFixture.start { $0.tcpPorts = [] }
        let port = first.udpPort
        await #expect(throws: StartupError.self) {
            do {
                _ = try await EchoFixture.start {
                    $0.tcpPorts = []
                    $0.udpPorts = [port]
                }
            } catch {
                #expect("\(error)".hasPrefix("cannot listen on udp port \(port) at "), "\(error)")
                #expect("\(error)".contains("Address already in use"), "\(error)")
                throw error
            }
        }
        await first.stop()
    }

    /// Datagrams read 32 at a time: a burst with a broken sized request in its middle has every
    /// other datagram answered, in order, and the broken one counted, not answered.
    @Test func aBrokenSizedDatagramInABurstCostsOnlyItself() async throws {
        let echo = try await EchoFixture.start { $0.tcpPorts = [] }
        let socket = try TestSocket.udp(echo.udpPort)
        // "FTH2" with a response size the echo cannot give (past one datagram).
        var broken = [UInt8](repeating: 0, count: 32)
        broken[0...3] = [0x46, 0x54, 0x48, 0x32]
        broken[28...31] = [0x00, 0x10, 0x00, 0x00]
        for index in 0..<100 { try socket.send(index == 50 ? broken : [UInt8(index), 1, 2, 3]) }
        var answers: [UInt8] = []
        for _ in 0..<99 { answers.append(try await blocking { try socket.receiveOnce() }[0]) }
        #expect(answers == (0..<100).filter { $0 != 50 }.map { UInt8($0) })
        let statistics = await echo.statistics(.udp) { $0.datagramsSent >= 99 }
        #expect(statistics.datagramsReceived == 100 && statistics.datagramsSent == 99 && statistics.malformedRequests == 1, "\(statistics)")
        await echo.stop()
    }

    /// A peer that sends its last bytes and shuts its side at once (its data and its FIN read
    /// in one go) gets its echo and then the end of the stream, at once: not after the idle
    /// timeout, with no new edge to announce the end that was already there.
    @Test func aPeerThatSendsAndShutsGetsItsEchoAndTheEnd() async throws {
        let echo = try await EchoFixture.start { $0.udpPorts = [] }
        for round in 0..<20 {
            let socket = try TestSocket.tcp(echo.tcpPort)
            let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 + round) }
            try socket.send(bytes)
            #expect(shutdown(socket.descriptor, Int32(SHUT_WR)) == 0)
            let started = ContinuousClock.now
            #expect(try await blocking { try socket.receive(exactly: bytes.count) } == bytes)
            #expect(try await blocking { try socket.receiveOnce() }.isEmpty, "the end of the stream")
            #expect(ContinuousClock.now - started < .seconds(4))
        }
        let statistics = await echo.statistics(.tcp) { $0.connectionsActive == 0 }
        #expect(statistics.connectionsActive == 0 && statistics.connectionsAccepted == 20)
        await echo.stop()
    }

    /// Stopping twice, from two tasks at once (a test's stop and the service's own end), closes
    /// each descriptor once: a second close could close another socket that took its number.
    @Test func stoppingTwiceClosesEachDescriptorOnce() async throws {
        let plane = EchoDataPlane(loops: 2, connectionLimit: 10, idleTimeout: nil, observer: nil)
        _ = try plane.bind(.udp, try #require(ListenAddress(host: "127.0.0.1", port: 0)), ipv6Only: false)
        try plane.start()
        async let one: Void = plane.stop()
        async let two: Void = plane.stop()
        _ = await (one, two)
        // Sockets opened now take the numbers the plane's sockets had; another stop leaves them be.
        let bystanders = try (0..<8).map { _ in try TestSocket.udp(9) }
        await plane.stop()
        #expect(bystanders.allSatisfy { fcntl($0.descriptor, F_GETFD) >= 0 })
    }
}
