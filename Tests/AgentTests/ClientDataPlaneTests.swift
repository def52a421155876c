import FlowTestDataPlane
import Foundation
import NIOCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The generator's data plane (issue 26): client sockets on epoll loops, and the loops' timers,
/// below the flows (GeneratorTests and the rest run the flows on it).
@Suite("Generator data plane: client sockets and timers on epoll loops", .timeLimit(.minutes(2)))
struct ClientDataPlaneTests {
    /// What a socket told its delegate, in order, and the bytes it received.
    final class Recorder: ClientSocketDelegate, @unchecked Sendable {
        private let state = Mutex<(events: [String], bytes: [UInt8])>(([], []))

        var events: [String] { state.withLock { $0.events } }
        var bytes: [UInt8] { state.withLock { $0.bytes } }

        func socketConnected() { state.withLock { $0.events.append("connected") } }
        func socketReceived(_ bytes: UnsafeRawBufferPointer) { state.withLock { $0.bytes += bytes } }
        func socketFailed(errno: Int32) { state.withLock { $0.events.append("failed \(errno)") } }
        func socketReported(errno: Int32) { state.withLock { $0.events.append("reported \(errno)") } }
        func socketPeerClosed() { state.withLock { $0.events.append("closed") } }

        /// Waits (at most 10 s) until `done` holds for the events; returns them either way.
        func events(until done: ([String]) -> Bool) async throws -> [String] {
            let deadline = ContinuousClock.now + .seconds(10)
            while !done(events), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            return events
        }
    }

    /// The socket, touched only on its loop; boxed so that commands sent there can carry it.
    final class SocketBox: @unchecked Sendable {
        var socket: ClientSocket?
    }

    /// A listening TCP socket on a free loopback port.
    final class Listener: @unchecked Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let (descriptor, address) = try LoopbackListener.open(backlog: 16)
            (self.descriptor, port) = (descriptor, Int(UInt16(bigEndian: address.sin_port)))
        }

        /// Accepts one connection (blocking, on a thread of its own).
        func accept() async throws -> Int32 {
            try await blocking { [descriptor] in Glibc.accept(descriptor, nil, nil) }
        }

        deinit { close(descriptor) }
    }

    static func connect(_ port: Int, stream: Bool, on plane: ClientDataPlane, _ recorder: Recorder) async throws -> SocketBox {
        let box = SocketBox()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        // Touched only on its loop, where the command runs.
        nonisolated(unsafe) let driver = plane.drivers[0]
        let failure = Mutex<SocketError?>(nil)
        await plane.loops[0].executeAndWait {
            do throws(SocketError) {
                box.socket = try ClientSocket.connect(to: address, stream: stream, options: ClientSocketOptions(), on: driver, delegate: recorder)
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return box
    }

    /// A message larger than the kernel takes at once waits, uncopied, for the peer to read, and
    /// the peer gets every byte in order, followed by the message sent after it.
    @Test func aMessageTheKernelWillNotTakeWholeArrivesWholeAndInOrder() async throws {
        let plane = try ClientDataPlane(loopCount: 1)
        let listener = try Listener()
        let recorder = Recorder()
        let box = try await Self.connect(listener.port, stream: true, on: plane, recorder)
        let peer = try await listener.accept()
        defer { close(peer) }
        #expect(try await recorder.events { !$0.isEmpty } == ["connected"])
        let bodySize = 8 << 20
        let body = UnsafeMutableRawBufferPointer.allocate(byteCount: bodySize, alignment: 16)
        defer { body.deallocate() }
        for index in 0..<bodySize { body[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        let head: [UInt8] = Array(0..<32)
        let tail: [UInt8] = [0xAA, 0xBB, 0xCC]
        let sharedBody = UnsafeRawBufferPointer(body)
        nonisolated(unsafe) let unsafeBody = sharedBody
        await plane.loops[0].executeAndWait {
            head.withUnsafeBytes { box.socket!.send($0, unsafeBody) }
            // Queued behind what the kernel has not taken yet.
            tail.withUnsafeBytes { box.socket!.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
        }
        // The peer reads nothing for a while: the sender must keep the rest, not drop or reorder it.
        try await Task.sleep(for: .milliseconds(200))
        let expectedCount = head.count + bodySize + tail.count
        let received = try await blocking {
            var bytes = [UInt8](repeating: 0, count: expectedCount)
            var offset = 0
            while offset < expectedCount {
                let count = bytes.withUnsafeMutableBytes { recv(peer, $0.baseAddress! + offset, expectedCount - offset, 0) }
                guard count > 0 else { break }
                offset += count
            }
            return Array(bytes.prefix(offset))
        }
        #expect(received.count == expectedCount)
        #expect(Array(received.prefix(32)) == head)
        #expect(received[32..<32 + bodySize].elementsEqual(sharedBody))
        #expect(Array(received.suffix(3)) == tail)
        await plane.loops[0].executeAndWait { box.socket!.close() }
        await plane.stop()
    }

    /// A refused TCP connect fails the socket before it ever connects; an ICMP error on a
    /// connected UDP socket is reported and leaves it open, for the next datagram to be reported
    /// again (the continuous pattern keeps its UDP flows through such errors).
    @Test func aRefusedConnectFailsButAnICMPErrorOnlyReports() async throws {
        let plane = try ClientDataPlane(loopCount: 1)
        let closedPort = try await FreePort.tcp()
        let tcp = Recorder()
        _ = try await Self.connect(closedPort, stream: true, on: plane, tcp)
        #expect(try await tcp.events { !$0.isEmpty } == ["failed \(ECONNREFUSED)"])

        let udp = Recorder()
        let box = try await Self.connect(closedPort, stream: false, on: plane, udp)
        #expect(try await udp.events { !$0.isEmpty } == ["connected"])
        for round in 1...2 {
            await plane.loops[0].executeAndWait {
                [UInt8](repeating: 1, count: 8).withUnsafeBytes { box.socket!.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
            }
            let events = try await udp.events { $0.count > round }
            #expect(events.count == round + 1 && events.last == "reported \(ECONNREFUSED)", "\(events)")
        }
        await plane.stop()
    }

    /// A peer that resets the connection mid-flow fails that socket with ECONNRESET, after the
    /// bytes it sent first were delivered.
    @Test func aPeerThatResetsFailsTheSocketAfterItsBytes() async throws {
        let plane = try ClientDataPlane(loopCount: 1)
        let listener = try Listener()
        let recorder = Recorder()
        _ = try await Self.connect(listener.port, stream: true, on: plane, recorder)
        let peer = try await listener.accept()
        _ = try await recorder.events { !$0.isEmpty }
        _ = [UInt8](repeating: 7, count: 100).withUnsafeBytes { send(peer, $0.baseAddress, 100, Int32(MSG_NOSIGNAL)) }
        let delivered = ContinuousClock.now + .seconds(10)
        while recorder.bytes.count < 100, ContinuousClock.now < delivered { try await Task.sleep(for: .milliseconds(5)) }
        // SO_LINGER with a zero timeout: close sends a reset.
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(peer, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(peer)
        let events = try await recorder.events { $0.count > 1 }
        #expect(events == ["connected", "failed \(ECONNRESET)"])
        #expect(recorder.bytes == [UInt8](repeating: 7, count: 100))
        await plane.stop()
    }

    /// A socket closed in the middle of a batch gives its descriptor to the next one opened; an
    /// event of the old socket still waiting in that batch (here a hang-up, handed to the driver
    /// as the loop would) must not reach the new one, whose connect then completes as usual.
    @Test func aClosedSocketsLateEventDoesNotReachTheSocketReusingItsDescriptor() async throws {
        let plane = try ClientDataPlane(loopCount: 1)
        let listener = try Listener()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: listener.port)
        // Touched only on its loop, where the command runs.
        nonisolated(unsafe) let driver = plane.drivers[0]
        let (gone, reusing) = (Recorder(), Recorder())
        let box = SocketBox()
        let descriptors = Mutex<(old: Int32, new: Int32)>((-1, -1))
        await plane.loops[0].executeAndWait {
            do throws(SocketError) {
                let old = try ClientSocket.connect(to: address, stream: true, options: ClientSocketOptions(), on: driver, delegate: gone)
                let staleToken = old.token
                old.close()
                let new = try ClientSocket.connect(to: address, stream: true, options: ClientSocketOptions(), on: driver, delegate: reusing)
                box.socket = new
                descriptors.withLock { $0 = (old.descriptor, new.descriptor) }
                driver.ready(staleToken, flags: 0x008 | 0x010)  // EPOLLERR | EPOLLHUP
            } catch {
                Issue.record("connect failed: \(error)")
            }
        }
        let (old, new) = descriptors.withLock { $0 }
        // The kernel hands out the lowest free descriptor, so the new socket took the old one's.
        #expect(old == new)
        #expect(try await reusing.events { !$0.isEmpty } == ["connected"])
        #expect(gone.events.isEmpty)
        await plane.stop()
    }

    /// The loops' timers (what the generator's pacers and timing wheels run on): due tasks run in
    /// deadline order whatever order they were scheduled in, and a cancelled one never runs, its
    /// promise failed with `cancelled`, as on NIO's loops.
    @Test func scheduledTasksRunInDeadlineOrderAndCancelledOnesNever() async throws {
        let plane = try ClientDataPlane(loopCount: 1)
        let loop = plane.loops[0]
        let order = Mutex<[Int]>([])
        let late = loop.scheduleTask(in: .milliseconds(30)) { order.withLock { $0.append(30) } }
        let early = loop.scheduleTask(in: .milliseconds(10)) { order.withLock { $0.append(10) } }
        let cancelled = loop.scheduleTask(in: .milliseconds(20)) { order.withLock { $0.append(20) } }
        cancelled.cancel()
        try await early.futureResult.get()
        try await late.futureResult.get()
        await #expect(throws: EventLoopError.self) { try await cancelled.futureResult.get() }
        #expect(order.withLock { $0 } == [10, 30])
        // A task scheduled on the loop itself, for now, runs in the same pass.
        let nested = try await loop.submit { loop.scheduleTask(in: .zero) { 1 } }.get()
        #expect(try await nested.futureResult.get() == 1)
        await plane.stop()
    }
}
