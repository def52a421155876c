import Foundation
import Synchronization

/// Where the bearer token comes from: a fixed string, or a file that is re-read as it rotates.
public final class BearerToken: Sendable {
    private enum Source: Sendable {
        case fixed(String?)
        case file(path: String, rereadAfter: Duration)
    }

    private let source: Source
    private let cache = Mutex<(token: String, readAt: ContinuousClock.Instant)?>(nil)

    /// No Authorization header (`kubectl proxy`).
    public static let none = BearerToken(source: .fixed(nil))

    public static func fixed(_ token: String) -> BearerToken { BearerToken(source: .fixed(token)) }

    /// A token file, re-read at most `rereadAfter` apart: service-account tokens rotate (hourly
    /// by default) and the kubelet replaces the file, so a cached token would eventually be 401.
    public static func file(_ path: String, rereadAfter: Duration = .seconds(60)) -> BearerToken {
        BearerToken(source: .file(path: path, rereadAfter: rereadAfter))
    }

    private init(source: Source) {
        self.source = source
    }

    /// The current token; reading a configured token file that is missing is an error, not "no token".
    public func current() throws(KubernetesConfigurationError) -> String? {
        switch source {
        case .fixed(let token):
            return token
        case .file(let path, let rereadAfter):
            let now = ContinuousClock.now
            if let cached = cache.withLock({ $0 }), now - cached.readAt < rereadAfter { return cached.token }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubernetesConfigurationError("cannot read the bearer token file \(path)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            cache.withLock { $0 = (token, now) }
            return token
        }
    }

    /// Forgets the cached token so the next request re-reads the file (after a 401).
    public func invalidate() {
        cache.withLock { $0 = nil }
    }
}
