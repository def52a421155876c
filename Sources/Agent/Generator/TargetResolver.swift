import FlowTestShared
import Logging
import NIOCore
import NIOPosix

/// Resolves a target host, off the event loops, and re-resolves it now and then.
///
/// Connecting by name would run a blocking getaddrinfo for every flow; instead the name is looked
/// up at most every `refreshInterval` (so a Service that appears or moves is picked up), and flows
/// started while it cannot be resolved fail with reason `dns`.
///
/// With `everyAddress` the name stands for every address it resolves to (a headless Service: one
/// per ready echo pod), so a replaced pod's new address is learned at the next lookup; without,
/// for the first one getaddrinfo gives, as a client that connects by name would use.
struct TargetResolver: Sendable {
    let host: String
    let refreshInterval: Duration
    let everyAddress: Bool
    /// Answers first for the names it lists (`--hosts-file`); nil: the system resolver only.
    let hostsFile: HostsFile?
    private let literal: SocketAddress?

    init(host: String, everyAddress: Bool = false, hostsFile: HostsFile? = nil, refreshInterval: Duration = .seconds(5)) {
        self.host = host
        self.everyAddress = everyAddress
        self.hostsFile = hostsFile
        self.refreshInterval = refreshInterval
        self.literal = try? SocketAddress(ipAddress: host, port: 0)
    }

    /// Whether the target is an IP address, which never needs resolving again.
    var isLiteral: Bool { literal != nil }

    /// The target's addresses (port 0; each flow sets its own): one, or with `everyAddress` all
    /// of them, sorted; empty with the reason logged when the name does not resolve.
    func resolve(logger: Logger) async -> [SocketAddress] {
        if let literal { return [literal] }
        do {
            return try await NIOThreadPool.singleton.runIfActive { [host, everyAddress, hostsFile] in
                if let listed = try Self.listed(host, in: hostsFile, logger: logger) { return everyAddress ? listed : [listed[0]] }
                if everyAddress { return try AddressLookup.all(host) }
                return [try SocketAddress.makeAddressResolvingHost(host, port: 0)]
            }
        } catch {
            logger.warning("target does not resolve; flows fail with reason dns", metadata: ["target": "\(host)", "error": "\(error)"])
            return []
        }
    }

    /// The addresses the hosts file lists for `host`, sorted; nil when it lists none (or cannot
    /// be read now: the system resolver then answers, and the reason is logged).
    private static func listed(_ host: String, in file: HostsFile?, logger: Logger) throws -> [SocketAddress]? {
        guard let file else { return nil }
        let texts: [String]
        do { texts = try file.addresses(for: host) } catch {
            logger.warning("hosts file unreadable; asking the system resolver", metadata: ["file": "\(file.path)", "error": "\(error)"])
            return nil
        }
        guard !texts.isEmpty else { return nil }
        return AddressLookup.sorted(try texts.map { try SocketAddress(ipAddress: $0, port: 0) })
    }
}
