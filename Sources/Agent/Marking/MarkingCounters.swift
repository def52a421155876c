import FlowTestShared
import Logging
import Synchronization

/// A generator's live marking counters, updated from the event loops with relaxed atomics: once
/// per flow, never per packet.
final class MarkingCounters: Sendable {
    let flowLabelsRefused = Atomic<UInt64>(0)
    let firefliesSent = Atomic<UInt64>(0)
    /// The errors already logged: a refusal is logged once per reason, not once per flow.
    private let loggedErrors = Mutex<Set<Int32>>([])

    /// The counters now, as a report carries them.
    var counts: MarkingCounts {
        var counts = MarkingCounts()
        counts.flowLabelsRefused = flowLabelsRefused.load(ordering: .relaxed)
        counts.firefliesSent = firefliesSent.load(ordering: .relaxed)
        return counts
    }

    /// Counts a flow whose label the kernel refused, and logs the first refusal of each kind.
    func labelRefused(_ label: UInt32, errno: Int32, step: String, logger: Logger) {
        flowLabelsRefused.wrappingAdd(1, ordering: .relaxed)
        let first = loggedErrors.withLock { $0.insert(errno).inserted }
        guard first else { return }
        logger.warning(
            "the kernel refused a flow label; such flows run unlabelled and count in status marking.flowLabelsRefused",
            metadata: [
                "label": "0x\(String(label, radix: 16))", "step": "\(step)", "errno": "\(errno)",
                "error": "\(String(cString: strerror(errno)))", "hint": "\(Self.hint(errno: errno, label: label))",
            ])
    }

    /// What a refusal most likely means.
    static func hint(errno: Int32, label: UInt32) -> String {
        let stateRanges = "net.ipv6.flowlabel_state_ranges=1 reserves labels with bit 19 set for the kernel's own (stateless) labels"
        // ERANGE is always that; EINVAL only for a label with bit 19 set.
        return switch errno {
        case ERANGE: stateRanges
        case EINVAL where label & 0x8_0000 != 0: stateRanges
        case ENOBUFS: "the network namespace holds the most flow labels the kernel allows (4096; fewer without CAP_NET_ADMIN)"
        case EPERM: "another program holds this label exclusively"
        case ENOPROTOOPT: "the kernel has no IPv6 flow label manager"
        default: "see IPV6_FLOWLABEL_MGR in ipv6(7)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
