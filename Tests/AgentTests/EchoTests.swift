import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

@Suite("Echo server: byte-exact TCP and UDP over IPv4 and IPv6, caps and timeouts")
struct EchoTests {
    private func randomBytes(_ count: Int) -> [UInt8] {
        var random = SeededRandomNumberGenerator(seed: UInt64(count))
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func tcpEchoesEveryByteUnchanged(host: String) async throws {
        let echo = try await EchoFixture.start()
        let payload = randomBytes(1 << 20)
        let socket = try TestSocket.tcp(echo.tcpPort, host: host)
        // Send and receive at the same time, so a megabyte never deadlocks on full buffers.
        async let sent: Void = blocking { try socket.send(payload) }
        let echoed = try await blocking { try socket.receive(exactly: payload.count) }
        try await sent
        #expect(echoed == payload)
        let statistics = await echo.statistics(.tcp) { $0.bytesSent >= UInt64(payload.count) }
        #expect(statistics.bytesReceived == UInt64(payload.count))
        #expect(statistics.bytesSent == UInt64(payload.count))
        #expect(statistics.connectionsAccepted == 1)
        await echo.stop()
    }

    /// A peer that sends but never reads its echoes is not buffered without bound: the echo stops
    /// reading once its writes back are not taken, and resumes when they are.
    @Test func aPeerThatDoesNotReadIsHeldBackNotBuffered() async throws {
        let echo = try await EchoFixture.start()
        let socket = try TestSocket.tcp(echo.tcpPort)
        let limit = 512 << 20
        let sent = try await blocking { socket.sendUntilBlocked(maximum: limit) }
        // Kernel buffers on both sides of both directions hold a few MiB; without back-pressure
        // the echo would read on and queue every byte in its own memory.
        #expect(sent < 64 << 20, "the echo kept reading \(sent) bytes its peer never read back")
        #expect(echo.statistics(.tcp).bytesReceived < 64 << 20)
        // Once the peer reads, every byte comes back.
        let echoed = try await blocking { try socket.receive(exactly: sent) }
        #expect(echoed.count == sent)
        await echo.stop()
    }

    /// An explicit `::` is one dual-stack socket per port that takes IPv4 as v4-mapped addresses;
    /// by default IPv4 and IPv6 each get their own socket on the same port (as the tests above use).
    @Test(arguments: ["127.0.0.1", "::1"])
    func anExplicitIPv6AnyAddressAcceptsBothFamilies(host: String) async throws {
        let echo = try await EchoFixture.start { $0.bindAddress = "::" }
        let tcp = try TestSocket.tcp(echo.tcpPort, host: host)
        try tcp.send([1, 2, 3])
        #expect(try await blocking { try tcp.receive(exactly: 3) } == [1, 2, 3])
        let udp = try TestSocket.udp(echo.udpPort, host: host)
        try udp.send([4, 5, 6])
        #expect(try await blocking { try udp.receiveOnce() } == [4, 5, 6])
        await echo.stop()
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func udpEchoesEveryDatagramUnchanged(host: String) async throws {
        let echo = try await EchoFixture.start()
        // Up to the largest datagram, to prove nothing is truncated.
        let sizes = [1, 24, 512, 1472, 9000, 65_000]
        let socket = try TestSocket.udp(echo.udpPort, host: host)
        for size in sizes {
            let datagram = randomBytes(size)
            try socket.send(datagram)
            #expect(try await blocking { try socket.receiveOnce() } == datagram)
        }
        let statistics = await echo.statistics(.udp) { $0.datagramsSent >= UInt64(sizes.count) }
        #expect(statistics.datagramsReceived == UInt64(sizes.count))
        #expect(statistics.bytesSent == UInt64(sizes.reduce(0, +)))
        await echo.stop()
    }

    @Test func connectionsBeyondTheCapAreRefusedAndCounted() async throws {
        let echo = try await EchoFixture.start { $0.maxConnections = 2 }
        let first = try TestSocket.tcp(echo.tcpPort)
        let second = try TestSocket.tcp(echo.tcpPort)
        try first.send([1])
        try second.send([2])
        #expect(try await blocking { try first.receive(exactly: 1) } == [1])
        #expect(try await blocking { try second.receive(exactly: 1) } == [2])
        let third = try TestSocket.tcp(echo.tcpPort)
        // Accepted by the kernel, then closed by the server at once: the read sees end of stream.
        #expect(try await blocking { try third.receiveOnce() }.isEmpty)
        let statistics = echo.statistics(.tcp)
        #expect(statistics.connectionsRefused == 1)
        #expect(statistics.connectionsAccepted == 2)
        #expect(statistics.connectionsActive == 2)
        await echo.stop()
    }

    @Test func idleConnectionsAreClosedAndCounted() async throws {
        let echo = try await EchoFixture.start { $0.idleTimeout = .milliseconds(200) }
        let socket = try TestSocket.tcp(echo.tcpPort)
        try socket.send([9])
        #expect(try await blocking { try socket.receive(exactly: 1) } == [9])
        let started = ContinuousClock.now
        #expect(try await blocking { try socket.receiveOnce() }.isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        #expect(echo.statistics(.tcp).connectionsTimedOut == 1)
        await echo.stop()
    }

    @Test func aPortInUseIsAOneLineStartupError() async throws {
        let echo = try await EchoFixture.start()
        let port = echo.tcpPort
        await #expect(throws: StartupError.self) {
            do {
                _ = try await EchoFixture.start {
                    $0.tcpPorts = [port]
                    $0.udpPorts = []
                }
            } catch {
                #expect("\(error)".hasPrefix("cannot listen on tcp port \(port) at "))
                #expect("\(error)".contains(": Address already in use; another program listens there: give the pattern other ports"))
                #expect(!"\(error)".contains("\n"))
                throw error
            }
        }
        await echo.stop()
    }
}
