/// The generator's data plane: one `EpollLoop` per core, each with the `ClientLoopDriver` that
/// owns its flows' sockets. The loops are NIO `EventLoop`s too, so the generator's pacers and
/// timing wheels run on them; flow `index` lives on loop `index % loops.count`.
public final class ClientDataPlane: Sendable {
    public let loops: [EpollLoop]
    /// Same index as `loops`; each touched only on its own loop's thread.
    public nonisolated(unsafe) let drivers: [ClientLoopDriver]

    /// Starts `count` loops, named for `top -H` and `perf`; `spinNanoseconds`: latency mode's
    /// polling after each loop's last event (`EpollLoop`).
    public init(loopCount count: Int, spinNanoseconds: UInt64 = 0) throws(SocketError) {
        var loops: [EpollLoop] = []
        var drivers: [ClientLoopDriver] = []
        for index in 0..<max(count, 1) {
            let driver = ClientLoopDriver()
            do {
                loops.append(try EpollLoop(name: "flowtest-gen-\(index)", driver: driver, spinNanoseconds: spinNanoseconds))
            } catch {
                for loop in loops { Task { await loop.stop() } }
                throw error
            }
            drivers.append(driver)
        }
        (self.loops, self.drivers) = (loops, drivers)
    }

    /// Ends every loop (their sockets are closed there); waits at most two seconds for each.
    public func stop() async {
        for loop in loops { await loop.stop() }
    }
}
