import FlowTestShared
import Logging
import NIOCore
import NIOPosix

/// Resolves the target host, off the event loops, and re-resolves it now and then.
///
/// Connecting by name would run a blocking getaddrinfo for every flow; instead the name is looked
/// up at most every `refreshInterval` (so a Service that appears or moves is picked up), and flows
/// started while it cannot be resolved fail with reason `dns`.
struct TargetResolver: Sendable {
    let host: String
    let refreshInterval: Duration
    private let literal: SocketAddress?

    init(host: String, refreshInterval: Duration = .seconds(5)) {
        self.host = host
        self.refreshInterval = refreshInterval
        self.literal = try? SocketAddress(ipAddress: host, port: 0)
    }

    /// Whether the target is an IP address, which never needs resolving again.
    var isLiteral: Bool { literal != nil }

    /// The target's address (port 0; each flow sets its own), or nil with the reason logged.
    func resolve(logger: Logger) async -> SocketAddress? {
        if let literal { return literal }
        do {
            return try await NIOThreadPool.singleton.runIfActive { [host] in
                try SocketAddress.makeAddressResolvingHost(host, port: 0)
            }
        } catch {
            logger.warning("target does not resolve; flows fail with reason dns", metadata: ["target": "\(host)", "error": "\(error)"])
            return nil
        }
    }
}
