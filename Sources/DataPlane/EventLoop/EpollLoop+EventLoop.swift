import Dispatch
import NIOCore

/// An `EpollLoop` is a NIO `EventLoop` too, so the generator's pacers, timing wheels, open-flow
/// tables and futures run on it unchanged: what moved to the data plane is the sockets, not the
/// scheduling around them. Only tasks and timers are offered; NIO's channels need NIO's own loops.
extension EpollLoop: EventLoop {
    public var inEventLoop: Bool { isOnLoopThread }

    public func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = schedule(atNanoseconds: deadline.uptimeNanoseconds) {
            do { promise.succeed(try task()) } catch { promise.fail(error) }
        }
        return Scheduled(promise: promise) { [self] in
            // Cancelled before it ran: the promise says so, as NIO's own loops do. Decided on the
            // loop, where whether the task already ran is known.
            if inEventLoop {
                if cancelTask(id) { promise.fail(EventLoopError.cancelled) }
            } else {
                execute { [self] in if cancelTask(id) { promise.fail(EventLoopError.cancelled) } }
            }
        }
    }

    public func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    public func preconditionInEventLoop(file: StaticString, line: UInt) {
        precondition(inEventLoop, "not on the epoll loop's thread", file: file, line: line)
    }

    public func preconditionNotInEventLoop(file: StaticString, line: UInt) {
        precondition(!inEventLoop, "on the epoll loop's thread", file: file, line: line)
    }

    public func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        Task {
            await stop()
            queue.async { callback(nil) }
        }
    }
}
