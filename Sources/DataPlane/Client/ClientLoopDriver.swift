import CDataPlane

#if canImport(Glibc)
import Glibc
#endif

/// What an `EpollLoop` runs for the generator: its client sockets, in a table indexed by
/// descriptor, and one read buffer they all share.
///
/// A socket's epoll token is its descriptor with a generation above it: a socket closed while
/// its loop works through a batch (by another socket's event, or a flow it ended) can still have
/// an event of its own later in that batch, and its descriptor can already belong to a socket
/// opened meanwhile (a flow that starts as another ends); that event must not reach the new
/// socket (a hang-up would fail a connect that is going well).
///
/// Everything here runs on the loop's thread: sockets are opened there (by the flows' pacer) and
/// their readiness comes there, so the table needs no lock.
public final class ClientLoopDriver: LoopDriver {
    /// Reads of one ready socket per batch before it waits for the next: a fast sender cannot
    /// keep the loop's other flows waiting.
    static let readBudget = 16
    /// The loop, set when it starts; weak because the loop holds its driver.
    private(set) weak var loop: EpollLoop?
    private var sockets: [ClientSocket?] = []
    /// Sockets whose reading stopped at the budget, continued after the batch.
    private var deferred: [ClientSocket] = []
    /// Sockets whose write failed, told after the batch.
    private var failedWrites: [ClientSocket] = []
    /// Datagram sockets just opened (connected at once), told after the batch.
    private var opened: [ClientSocket] = []
    /// Counts sockets entered, for their tokens' upper half.
    private var generation: UInt32 = 0
    /// Where every socket of the loop reads into: a read hands its bytes to the flow at once.
    /// 1 MiB, so that a large message's echo takes few reads (only the pages a read fills are
    /// ever resident).
    let readBuffer: UnsafeMutableRawBufferPointer

    public init(readBufferSize: Int = 1 << 20) {
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBufferSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    public func started(on loop: EpollLoop) {
        self.loop = loop
    }

    public func batchStarted(nowNanoseconds: UInt64) {}

    public func ready(_ token: UInt64, flags: UInt32) {
        let slot = Int(token & 0xFFFF_FFFF)
        guard slot < sockets.count, let socket = sockets[slot], socket.token == token else { return }
        socket.ready(flags: flags)
    }

    public func continueDeferred() -> Bool {
        if !opened.isEmpty {
            let ready = opened
            opened.removeAll(keepingCapacity: true)
            for socket in ready { socket.reportConnected() }
        }
        if !failedWrites.isEmpty {
            let failed = failedWrites
            failedWrites.removeAll(keepingCapacity: true)
            for socket in failed { socket.reportFailedWrite() }
        }
        guard !deferred.isEmpty else { return !failedWrites.isEmpty || !opened.isEmpty }
        let waiting = deferred
        deferred.removeAll(keepingCapacity: true)
        for socket in waiting { socket.continueReading() }
        return !deferred.isEmpty || !failedWrites.isEmpty || !opened.isEmpty
    }

    public func tick(nowNanoseconds: UInt64) {}

    public func stopped() {
        for case let socket? in sockets { socket.abandon() }
        sockets.removeAll()
        deferred.removeAll()
        failedWrites.removeAll()
        opened.removeAll()
    }

    /// Enters `socket` into the table and watches it; false when epoll refuses it.
    ///
    /// A stream is watched edge-triggered for reading, writing (its connect completing, a full
    /// send buffer draining) and the peer's end. A datagram socket is watched level-triggered for
    /// reading only: the kernel signals writability every time a sent datagram's buffer is freed,
    /// which edge-triggered would turn into a wake-up per datagram for nothing (a datagram that
    /// does not fit is dropped, not queued), and level-triggered lets one `recv` per readiness do,
    /// without the extra `recv` that finds the queue empty.
    func add(_ socket: ClientSocket) -> Bool {
        let flags = socket.isStream ? cdp_epollin | cdp_epollout | cdp_epollrdhup : cdp_epollin
        generation &+= 1
        // Never the loop's own wake-up token (all ones): a descriptor is below 2^31.
        socket.token = UInt64(generation) << 32 | UInt64(UInt32(socket.descriptor))
        guard let loop, loop.register(socket.descriptor, token: socket.token, flags: flags, levelTriggered: !socket.isStream)
        else { return false }
        let slot = Int(socket.descriptor)
        if slot >= sockets.count { sockets.append(contentsOf: repeatElement(nil, count: max(slot + 1 - sockets.count, sockets.count))) }
        sockets[slot] = socket
        return true
    }

    /// Takes `socket` out of the table, before its descriptor is closed (and may be reused).
    func remove(_ socket: ClientSocket) {
        let slot = Int(socket.descriptor)
        if slot < sockets.count, sockets[slot] === socket { sockets[slot] = nil }
    }

    /// A datagram socket is connected from the start: tell its flow after the batch, not inside
    /// the call that opened it.
    func deferConnected(_ socket: ClientSocket) {
        opened.append(socket)
    }

    /// A write of `socket` failed: tell its flow after the batch.
    func deferFailure(_ socket: ClientSocket) {
        failedWrites.append(socket)
    }

    /// Reads of `socket` stopped at the budget: continue after this batch.
    func deferReading(_ socket: ClientSocket) {
        deferred.append(socket)
    }
}
