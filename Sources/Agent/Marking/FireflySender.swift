import FlowTestShared
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Sends a generator's fireflies: one unconnected UDP socket per address family, shared by every
/// flow, so a firefly costs one datagram and no socket of its own.
///
/// Fireflies are best effort, as in flowd: a lost or unsendable one is not retried, and only those
/// the kernel accepted are counted as sent.
final class FireflySender: Sendable {
    private let sockets = Mutex<(ipv4: (any Channel)?, ipv6: (any Channel)?)>((nil, nil))
    /// The destination port of the flows' destinations; nil sends to the collector only.
    private let destinationPort: Int?
    private let collectorText: String?
    private let collector = Mutex<SocketAddress?>(nil)
    private let scitag: SciTag
    private let hostname: String
    private let counters: MarkingCounters
    private let clock: WallClockAnchor

    /// A sender for `marking`'s fireflies; nil when it sends none. `open` must run before flows start.
    init?(_ marking: FlowMarking, counters: MarkingCounters, clock: WallClockAnchor) {
        guard marking.sendsFireflies, let scitag = marking.scitag else { return nil }
        (destinationPort, collectorText, self.scitag, self.counters, self.clock) = (marking.fireflyPort, marking.fireflyCollector, scitag, counters, clock)
        hostname = ProcessInfo.processInfo.hostName.isEmpty ? "-" : ProcessInfo.processInfo.hostName
    }

    /// Opens the sockets and resolves the collector, once: a collector name that does not
    /// resolve is a startup error naming the flag.
    func open(group: any EventLoopGroup) async throws {
        if let text = collectorText {
            let separator = text.lastIndex(of: ":")!
            let host = String(text[..<separator]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let port = Int(text[text.index(after: separator)...])!
            do {
                let address = try await NIOThreadPool.singleton.runIfActive { try SocketAddress.makeAddressResolvingHost(host, port: port) }
                collector.withLock { $0 = address }
            } catch {
                throw StartupError("--firefly-collector \(text) does not resolve: \(error)")
            }
        }
        let bootstrap = DatagramBootstrap(group: group)
        let ipv4 = try? await bootstrap.bind(host: "0.0.0.0", port: 0).get()
        // Absent where the host has no IPv6; IPv6 fireflies then cannot go out, and are not counted.
        let ipv6 = try? await bootstrap.bind(host: "::", port: 0).get()
        sockets.withLock { $0 = (ipv4, ipv6) }
    }

    /// Announces `event` to the flow's destination and to the collector.
    func announce(_ event: FireflyEvent) {
        let text = FireflyMessage.text(event, scitag: scitag, hostname: hostname, now: clock.unixNanoseconds(.now()))
        if let destinationPort, let destination = try? SocketAddress(ipAddress: event.destinationAddress, port: destinationPort) {
            send(text, to: destination)
        }
        if let collector = collector.withLock({ $0 }) { send(text, to: collector) }
    }

    private func send(_ text: String, to address: SocketAddress) {
        let socket = sockets.withLock { address.protocol == .inet6 ? $0.ipv6 : $0.ipv4 }
        guard let channel = socket else { return }
        let envelope = AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(string: text))
        channel.writeAndFlush(envelope).whenSuccess { [counters] in counters.firefliesSent.wrappingAdd(1, ordering: .relaxed) }
    }

    /// Announces the start or end of the flow whose figures are in `tally`.
    func announce(_ state: FireflyEvent.State, _ transport: Transport, tally: FlowTally) {
        announce(FireflyEvent(state, transport, tally: tally, clock: clock))
    }

    /// Closes the sockets, once every flow has ended.
    func close() async {
        let (ipv4, ipv6) = sockets.withLock { $0 }
        for channel in [ipv4, ipv6].compactMap({ $0 }) { try? await channel.close() }
    }
}
