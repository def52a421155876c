import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The task of a watch that starts after a warm-up request, so that the consumer's leaving
/// cancels it whether it has started yet or not.
final class WatchTaskHolder: Sendable {
    private struct State: @unchecked Sendable {
        // URLSessionTask is thread-safe (its own locks) but not marked Sendable on Linux.
        var task: URLSessionTask?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Holds `task`; false when the watch was cancelled before it started.
    func hold(_ task: URLSessionTask) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.task = task
            return true
        }
    }

    /// Cancels the task if it started, and keeps one from starting.
    func cancel() {
        let task = state.withLock { state -> URLSessionTask? in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
