import FlowTestShared
import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A TCP echo listener for latency mode (`echo --dedicated-threads`): each connection is echoed
/// by a thread of its own, blocked in recv(2) and woken by the kernel, with no event loop between
/// the bytes and their echo (the UDP side is `MarkedUDPEchoListener`).
///
/// The threads are kept: each accepts a connection, serves it to its end, and accepts the next,
/// so a short connection costs no thread creation (which costs as much as the connection itself
/// on loopback). When a thread takes a connection and none is left waiting in accept(2), it
/// starts another first, so the next connection never waits for one to finish.
///
/// For latency and connection-rate tests with a few flows open at a time: at most
/// `connectionLimit` connections (or `--max-connections`) are served at once, and any beyond are
/// closed at once and counted as refused (one thread more than the limit stays in accept(2) for
/// that). Sized requests of a traffic mix are answered as on the event loops
/// (`SizedRequestFraming`); the flow log and the idle timeout do not apply here.
final class ThreadedTCPEchoListener: Sendable {
    let port: Int
    private let descriptor: Int32
    private let counters: EchoListenerCounters
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    /// Threads kept, and how many of them are waiting in accept(2).
    private let threads = Atomic<Int>(0)
    private let accepting = Atomic<Int>(0)

    /// The most connections served at once, a thread each, unless `--max-connections` is lower.
    static let connectionLimit = 256
    private let limit: Int
    /// How long a blocked accept or read waits before it looks at `stopping` again.
    private static let wakeUp = timeval(tv_sec: 0, tv_usec: 50_000)

    private init(descriptor: Int32, port: Int, counters: EchoListenerCounters, limit: Int) {
        (self.descriptor, self.port, self.counters, self.limit) = (descriptor, port, counters, limit)
    }

    /// Binds `host:port` (port 0: any free one), listens and starts accepting, serving at most
    /// `limit` connections at once (at most `connectionLimit`).
    static func start(
        host: String, ipv6Only: Bool, port: Int, counters: EchoListenerCounters, limit: Int = connectionLimit
    ) throws -> ThreadedTCPEchoListener {
        let address = try SocketAddress(ipAddress: host, port: port)
        let ipv6 = address.protocol == .inet6
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: Int32 = 1
        var only: Int32 = ipv6Only ? 1 : 0
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ipv6 { setsockopt(descriptor, Int32(IPPROTO_IPV6), Int32(IPV6_V6ONLY), &only, socklen_t(MemoryLayout<Int32>.size)) }
        var wakeUp = Self.wakeUp
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wakeUp, socklen_t(MemoryLayout<timeval>.size))
        let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        guard bound == 0, listen(descriptor, 1024) == 0 else {
            let code = errno
            closeSocket(descriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        let boundPort = withUnsafeBytes(of: &storage) { Int(UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self))) }
        let listener = ThreadedTCPEchoListener(
            descriptor: descriptor, port: boundPort, counters: counters, limit: max(1, min(limit, connectionLimit)))
        listener.startThread()
        return listener
    }

    /// Threads kept, serving or waiting in accept(2).
    var threadCount: Int { threads.load(ordering: .relaxed) }

    /// Starts one more serving thread, unless the limit's worth (and the one that refuses) run.
    private func startThread() {
        guard threads.wrappingAdd(1, ordering: .relaxed).newValue <= limit + 1 else {
            threads.wrappingSubtract(1, ordering: .relaxed)
            return
        }
        running.wrappingAdd(1, ordering: .relaxed)
        Thread.detachNewThread { [self] in acceptAndServe() }
    }

    private func acceptAndServe() {
        // One buffer for every connection this thread serves.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
        defer {
            buffer.deallocate()
            threads.wrappingSubtract(1, ordering: .relaxed)
            running.wrappingSubtract(1, ordering: .releasing)
        }
        while !stopping.load(ordering: .relaxed) {
            accepting.wrappingAdd(1, ordering: .relaxed)
            let connection = accept(descriptor, nil, nil)
            let stillAccepting = accepting.wrappingSubtract(1, ordering: .relaxed).newValue
            guard connection >= 0 else { continue }  // The wake-up timeout, or a connection gone before it was accepted.
            guard counters.connectionsActive.load(ordering: .relaxed) < limit else {
                counters.connectionsRefused.wrappingAdd(1, ordering: .relaxed)
                closeSocket(connection)
                continue
            }
            counters.connectionsAccepted.wrappingAdd(1, ordering: .relaxed)
            counters.connectionsActive.wrappingAdd(1, ordering: .relaxed)
            if stillAccepting == 0 { startThread() }
            serve(connection, buffer: buffer)
        }
    }

    /// Echoes one connection until its peer closes it or the listener stops.
    private func serve(_ connection: Int32, buffer: UnsafeMutableRawBufferPointer) {
        defer {
            closeSocket(connection)
            counters.connectionsActive.wrappingSubtract(1, ordering: .relaxed)
        }
        var one: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var wakeUp = Self.wakeUp
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &wakeUp, socklen_t(MemoryLayout<timeval>.size))
        var framing: SizedRequestFraming?
        var first = true
        while !stopping.load(ordering: .relaxed) {
            let received = recv(connection, buffer.baseAddress, buffer.count, 0)
            if received == 0 { return }
            if received < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return
            }
            counters.bytesReceived.wrappingAdd(UInt64(received), ordering: .relaxed)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<received])
            if first {
                first = false
                if received >= 4, UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)) == FlowHeader.sizedMagic {
                    framing = SizedRequestFraming(allocator: ByteBufferAllocator())
                }
            }
            guard let framing else {
                guard sendAll(connection, bytes) else { return }
                counters.bytesSent.wrappingAdd(UInt64(received), ordering: .relaxed)
                continue
            }
            var request = ByteBuffer(bytes: bytes)
            var failed = false
            do {
                let answered = try framing.consume(&request) { header, size in
                    counters.sizedResponses.wrappingAdd(1, ordering: .relaxed)
                    SizedRequestFraming.writeResponse(header: header, size: size) { piece in
                        if !failed { failed = !piece.withUnsafeReadableBytes { sendAll(connection, $0) } }
                    }
                }
                counters.bytesSent.wrappingAdd(UInt64(answered), ordering: .relaxed)
            } catch {
                counters.malformedRequests.wrappingAdd(1, ordering: .relaxed)
                return
            }
            if failed { return }
        }
    }

    private func sendAll(_ connection: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = send(connection, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Stops accepting and serving (within one wake-up; never waits more than two seconds) and
    /// closes the listening socket.
    func close() async {
        stopping.store(true, ordering: .relaxed)
        let deadline = ContinuousClock.now + .seconds(2)
        while running.load(ordering: .acquiring) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        closeSocket(descriptor)
    }
}

/// close(2), out of reach of the listener's own `close()`.
private func closeSocket(_ descriptor: Int32) {
    _ = close(descriptor)
}
