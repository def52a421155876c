import CDataPlane
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// One flow's non-blocking socket on an `EpollLoop`: connects, reads whatever arrives into the
/// loop's shared buffer and hands it to its delegate, and writes a message as one `sendmsg` of
/// its header and a slice of the run's filler (never copied).
///
/// A stream that the kernel will not take whole keeps the rest as `PendingOutput` and sends it
/// when the socket is writable again; a datagram that does not fit the socket buffer is dropped
/// (the flow counts it lost when its echo never comes, as a router would have lost it).
/// Loop-bound: made and used only on its loop's thread.
public final class ClientSocket {
    public let descriptor: Int32
    public let isStream: Bool
    /// What epoll reports for it: its descriptor and its generation (`ClientLoopDriver`).
    public internal(set) var token: UInt64 = 0
    private unowned let driver: ClientLoopDriver
    /// Cleared when the socket closes, ending the cycle with the flow that holds the socket.
    private var delegate: (any ClientSocketDelegate)?
    private var connecting = true
    private var closed = false
    /// The peer's end was signalled: read until it is returned (a short read no longer means
    /// the stream is drained, and no new edge comes for an end already queued).
    private var peerEnding = false
    private var pending = PendingOutput()
    /// A write's errno, told to the delegate after the batch (never inside the flow's own call).
    private var failedWrite: Int32 = 0

    private init(descriptor: Int32, isStream: Bool, driver: ClientLoopDriver, delegate: any ClientSocketDelegate) {
        (self.descriptor, self.isStream, self.driver, self.delegate) = (descriptor, isStream, driver, delegate)
    }

    /// Opens a socket towards `address` with `options`, lets `prepare` set anything else on it
    /// (a flow label's lease), starts connecting and watches it on `driver`'s loop: the delegate
    /// hears `socketConnected` once it has. Throws what failed before a connect was under way
    /// (no descriptor, no source port, a refused option).
    public static func connect(
        to address: SocketAddress, stream: Bool, options: ClientSocketOptions, on driver: ClientLoopDriver,
        delegate: any ClientSocketDelegate, prepare: (Int32) -> Void = { _ in }
    ) throws(SocketError) -> ClientSocket {
        let ipv6 = address.protocol == .inet6
        let type = (stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, type, 0)
        guard descriptor >= 0 else { throw SocketError("socket") }
        if let refused = options.apply(to: descriptor, stream: stream, ipv6: ipv6) {
            Glibc.close(descriptor)
            throw refused
        }
        prepare(descriptor)
        let status = address.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, socklen_t(length)) }
        if status != 0, errno != EINPROGRESS {
            let error = SocketError("connect")
            Glibc.close(descriptor)
            throw error
        }
        let socket = ClientSocket(descriptor: descriptor, isStream: stream, driver: driver, delegate: delegate)
        guard driver.add(socket) else {
            let error = SocketError("epoll_ctl")
            Glibc.close(descriptor)
            throw error
        }
        // A stream's first writable edge says the connect is done; a datagram socket's connect
        // only fixed its peer, and is done now.
        if !stream { driver.deferConnected(socket) }
        return socket
    }

    /// The address the kernel bound the socket to; nil once closed.
    public var localAddress: SocketAddress? {
        guard !closed else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return SocketAddress(storage: storage)
    }

    /// Segments the kernel retransmitted over the connection's life (TCP_INFO); 0 for UDP.
    public var totalRetransmits: UInt64 {
        guard isStream, !closed else { return 0 }
        return UInt64(cdp_tcp_total_retransmits(descriptor))
    }

    /// Sends `head`, then `body`: one message of a stream or one datagram. A write that fails
    /// reaches the delegate once the loop's batch is over, not inside this call: a stream's
    /// (EPIPE, ECONNRESET) closes it (`socketFailed`); a datagram's (EMSGSIZE, ECONNREFUSED from
    /// an earlier ICMP error) leaves it open (`socketReported`).
    public func send(_ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) {
        guard !closed, failedWrite == 0 else { return }
        if isStream, !pending.isEmpty {
            pending.append(copying: head)
            pending.append(borrowing: body)
            return
        }
        let total = head.count + body.count
        let written = Self.sendmsg(descriptor, head, body)
        if written == total { return }
        if written < 0 {
            let code = errno
            guard code == EAGAIN || code == EWOULDBLOCK else {
                failedWrite = code
                return driver.deferFailure(self)
            }
            // A full datagram buffer: this datagram is lost; a full stream buffer: all of it waits.
            guard isStream else { return }
        }
        let sent = max(written, 0)
        if sent < head.count {
            pending.append(copying: UnsafeRawBufferPointer(rebasing: head[sent...]))
            pending.append(borrowing: body)
        } else {
            pending.append(borrowing: UnsafeRawBufferPointer(rebasing: body[(sent - head.count)...]))
        }
    }

    /// Tells the delegate of the write that failed (see `send`): a stream is closed; a datagram
    /// socket stays open, as the error concerns the one datagram or the peer's last ICMP.
    func reportFailedWrite() {
        guard !closed, failedWrite != 0 else { return }
        let code = failedWrite
        if isStream { return fail(code) }
        failedWrite = 0
        delegate?.socketReported(errno: code)
    }

    /// One `sendmsg` of two parts (MSG_NOSIGNAL: a closed peer is an EPIPE, not a signal).
    static func sendmsg(_ descriptor: Int32, _ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) -> Int {
        var parts = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress), iov_len: head.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count))
        return withUnsafeMutablePointer(to: &parts) { pointer in
            pointer.withMemoryRebound(to: iovec.self, capacity: 2) { vector in
                var message = msghdr()
                message.msg_iov = vector
                message.msg_iovlen = 2
                return Glibc.sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Closes the socket; the delegate hears nothing more.
    public func close() {
        guard !closed else { return }
        closed = true
        driver.remove(self)
        Glibc.close(descriptor)
        delegate = nil
        pending.removeAll()
    }

    /// A datagram socket's connect is done (see `connect`).
    func reportConnected() {
        guard !closed, connecting else { return }
        connecting = false
        delegate?.socketConnected()
    }

    /// The loop ended: close without telling anyone (the flows were stopped before).
    func abandon() {
        close()
    }

    func ready(flags: UInt32) {
        if flags & (cdp_epollrdhup | cdp_epollhup) != 0 { peerEnding = true }
        if connecting {
            // A datagram socket is connected by `reportConnected`, after the batch.
            guard isStream else { return }
            guard flags & (cdp_epollout | cdp_epollerr | cdp_epollhup) != 0 else { return }
            connecting = false
            // Writable without an error or hang-up is connected: the kernel raises EPOLLERR for
            // a connect that failed, so only then is SO_ERROR read (a system call per flow saved).
            if flags & (cdp_epollerr | cdp_epollhup) != 0 {
                let code = socketError()
                // A hang-up with no error recorded: the connection is gone all the same.
                return fail(code == 0 ? ECONNRESET : code)
            }
            delegate?.socketConnected()
            guard !closed else { return }
        } else if flags & cdp_epollerr != 0, !isStream {
            // An ICMP error on a connected UDP socket (port unreachable): recv reports it below.
        } else if flags & cdp_epollout != 0, !pending.isEmpty {
            let code = pending.write(to: descriptor)
            guard code == 0 else { return fail(code) }
        }
        if flags & (cdp_epollin | cdp_epollrdhup | cdp_epollhup | cdp_epollerr) != 0 { continueReading() }
    }

    /// A stream reads until it has nothing more (edge-triggered), or until the budget, when the
    /// driver continues after the batch; a read shorter than the buffer found it drained, which
    /// spares the `recv` that would only say so. A datagram socket (level-triggered) reads one
    /// datagram: epoll reports it again while more are queued.
    func continueReading() {
        let buffer = driver.readBuffer
        for _ in 0..<ClientLoopDriver.readBudget {
            guard !closed, let delegate else { return }
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 || (count == 0 && !isStream) {
                delegate.socketReceived(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                if !isStream || (count < buffer.count && !peerEnding) { return }
                continue
            }
            if count == 0 {
                close()
                return delegate.socketPeerClosed()
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return
            case EINTR: continue
            case let code where !isStream: return delegate.socketReported(errno: code)
            case let code: return fail(code)
            }
        }
        if !closed { driver.deferReading(self) }
    }

    private func socketError() -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    private func fail(_ code: Int32) {
        let delegate = delegate
        close()
        delegate?.socketFailed(errno: code)
    }
}
