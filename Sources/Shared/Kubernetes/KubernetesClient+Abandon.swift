import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension KubernetesClient {
    /// One request, as `perform`, except that a cancelled caller stops waiting for it at once
    /// (`CancellationError`) while the transfer itself is left to finish or time out on its own.
    ///
    /// Why not cancel the transfer: that can make FoundationNetworking on Linux trap (see
    /// `perform`). Why not wait: a caller with a deadline (a final flush at shutdown) must not
    /// outlive it by the session's idle timeout, or for ever with a server that trickles bytes.
    public static func performUnlessCancelled(_ request: URLRequest, on session: URLSession) async throws -> (Data, URLResponse) {
        let waiting = Waiting()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.continuation.withLock { $0 = continuation }
                session.dataTask(with: request) { data, response, error in
                    if let error {
                        waiting.resume(throwing: error)
                    } else if let response {
                        waiting.resume(returning: (data ?? Data(), response))
                    } else {
                        waiting.resume(throwing: URLError(.badServerResponse))
                    }
                }.resume()
                // Cancelled before the continuation was stored: the handler found nothing to resume.
                if Task.isCancelled { waiting.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            waiting.resume(throwing: CancellationError())
        }
    }

    /// The caller's continuation, resumed once: by the answer or by cancellation, whichever is first.
    private final class Waiting: Sendable {
        let continuation = Mutex<CheckedContinuation<(Data, URLResponse), any Error>?>(nil)

        func resume(returning value: (Data, URLResponse)) {
            continuation.withLock { $0.take() }?.resume(returning: value)
        }

        func resume(throwing error: any Error) {
            continuation.withLock { $0.take() }?.resume(throwing: error)
        }
    }
}
