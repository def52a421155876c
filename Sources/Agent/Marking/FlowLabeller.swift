import FlowTestShared
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Gives each IPv6 flow its SciTags flow label and leases it for the flow's socket.
///
/// Linux sends a chosen label only from a socket that holds a lease on it (`IPV6_FLOWLABEL_MGR`
/// with `IPV6_FL_A_GET` and `IPV6_FL_F_CREATE`) and has `IPV6_FLOWINFO_SEND` set; the label then
/// goes in `sin6_flowinfo` of the connect, and the kernel writes it into every packet of the
/// connection. None of this needs a capability, unlike flowd's eBPF program.
///
/// A class: every flow's channel initializer captures the opener, and with it one reference
/// rather than a copy of the tag, the seed and a logger.
final class FlowLabeller: Sendable {
    let scitag: SciTag
    let seed: UInt64
    let counters: MarkingCounters
    let logger: Logger

    init(scitag: SciTag, seed: UInt64, counters: MarkingCounters, logger: Logger) {
        (self.scitag, self.seed, self.counters, self.logger) = (scitag, seed, counters, logger)
    }

    /// Keeps the label's random bits off the flow's payload stream, which must not change when
    /// marking is switched on (a seeded run sends the same sizes with or without it).
    private static let streamSalt: UInt64 = 0x5C17_A650_F1E1_D000

    /// The label of flow `flowID` towards `address`; nil for IPv4, which has no flow label.
    /// The random bits are drawn once per flow from the run's seed, so a seeded run repeats them.
    func label(for flowID: UInt64, to address: SocketAddress) -> UInt32? {
        guard address.protocol == .inet6 else { return nil }
        var random = SeededRandomNumberGenerator.forFlow(flowID, seed: seed ^ Self.streamSalt)
        return scitag.flowLabel(random: random.next())
    }

    /// `address` with `label` in its `sin6_flowinfo`, where connect(2) takes it from.
    static func address(_ address: SocketAddress, withLabel label: UInt32) -> SocketAddress {
        guard case .v6(let v6) = address else { return address }
        var raw = v6.address
        raw.sin6_flowinfo = label.bigEndian
        return SocketAddress(raw, host: v6.host)
    }

    /// Leases `label` for `channel`'s socket and turns on sending it. On the channel's event loop
    /// the options are set synchronously, so the outcome is known before the connect.
    func lease(_ label: UInt32, to destination: SocketAddress, on channel: any Channel) {
        guard let provider = channel as? any SocketOptionProvider else { return }
        var refusal: (errno: Int32, step: String)?
        provider.unsafeSetSocketOption(
            level: SocketMarkOptions.ipv6Level, name: SocketMarkOptions.ipv6FlowLabelManager,
            value: FlowLabelRequest(label: label, destination: destination)
        ).assumeIsolated().whenFailure { error in refusal = (Self.errno(error), "IPV6_FLOWLABEL_MGR") }
        if refusal == nil {
            provider.unsafeSetSocketOption(level: SocketMarkOptions.ipv6Level, name: SocketMarkOptions.ipv6FlowInfoSend, value: Int32(1))
                .assumeIsolated().whenFailure { error in refusal = (Self.errno(error), "IPV6_FLOWINFO_SEND") }
        }
        if let refusal { counters.labelRefused(label, errno: refusal.errno, step: refusal.step, logger: logger) }
    }

    /// Leases `label` for the data plane's socket `descriptor`, before its connect, as `lease(_:to:on:)`
    /// does for a channel.
    func lease(_ label: UInt32, to destination: SocketAddress, descriptor: Int32) {
        var request = FlowLabelRequest(label: label, destination: destination)
        let level = Int32(SocketMarkOptions.ipv6Level)
        if setsockopt(descriptor, level, Int32(SocketMarkOptions.ipv6FlowLabelManager), &request, socklen_t(MemoryLayout<FlowLabelRequest>.size)) != 0 {
            return counters.labelRefused(label, errno: Glibc.errno, step: "IPV6_FLOWLABEL_MGR", logger: logger)
        }
        var one: Int32 = 1
        // Without IPV6_FLOWINFO_SEND the kernel ignores sin6_flowinfo: the flow runs unlabelled.
        if setsockopt(descriptor, level, Int32(SocketMarkOptions.ipv6FlowInfoSend), &one, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            counters.labelRefused(label, errno: Glibc.errno, step: "IPV6_FLOWINFO_SEND", logger: logger)
        }
    }

    private static func errno(_ error: any Error) -> Int32 {
        (error as? IOError)?.errnoCode ?? EINVAL
    }
}
