import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Receives a watch response as it streams and hands over one complete line at a time.
///
/// URLSession on Linux has no `bytes(for:)`, so the stream is read through the data delegate of a
/// session made for this one watch (a per-task delegate on a shared session receives nothing
/// there). State lives in a `Mutex`, as `URLSessionDelegate` must be Sendable.
final class WatchStreamDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct State {
        var pending = Data()
        var statusCode: Int?
        var retryAfter: String?
        var errorBody = Data()
    }

    private let state = Mutex(State())
    /// The watch's task: the session's warm-up request (`KubernetesClient.watch`) is not followed.
    private let followed = Mutex<Int?>(nil)
    private let onLine: @Sendable (Data) -> Void
    private let onEnd: @Sendable (KubernetesError?) -> Void

    init(onLine: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable (KubernetesError?) -> Void) {
        self.onLine = onLine
        self.onEnd = onEnd
    }

    /// Follows `task`, the watch itself; callbacks of any other task of the session are ignored.
    func follow(_ task: URLSessionTask) {
        followed.withLock { $0 = task.taskIdentifier }
    }

    private func isFollowed(_ task: URLSessionTask) -> Bool {
        followed.withLock { $0 == task.taskIdentifier }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard isFollowed(dataTask) else { return completionHandler(.allow) }
        let http = response as? HTTPURLResponse
        state.withLock {
            $0.statusCode = http?.statusCode
            $0.retryAfter = http?.value(forHTTPHeaderField: "Retry-After")
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard isFollowed(dataTask) else { return }
        let lines = state.withLock { state -> [Data] in
            guard state.statusCode == 200 else {
                state.errorBody.append(data)
                return []
            }
            state.pending.append(data)
            var lines: [Data] = []
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(state.pending[state.pending.startIndex..<newline])
                state.pending.removeSubrange(state.pending.startIndex...newline)
            }
            return lines
        }
        for line in lines where !line.isEmpty { onLine(Data(line)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard isFollowed(task) else { return }
        // This session serves this one watch: release it now that its only task is done.
        session.finishTasksAndInvalidate()
        let (statusCode, body, retryAfter, rest) = state.withLock { ($0.statusCode, $0.errorBody, $0.retryAfter, $0.pending) }
        if let error {
            let cancelled = (error as NSError).code == NSURLErrorCancelled
            return onEnd(cancelled ? nil : .transport(message: "watch: \(error.localizedDescription)"))
        }
        guard let statusCode, statusCode == 200 else {
            return onEnd(KubernetesError.from(statusCode: statusCode ?? 0, body: body, retryAfterHeader: retryAfter))
        }
        if !rest.isEmpty { onLine(rest) }
        onEnd(nil)
    }
}
