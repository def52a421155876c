/// Why a flow failed; a Prometheus label and a key of the failure counts, so the set is closed.
public enum FlowFailureReason: String, CaseIterable, Codable, Sendable, Hashable {
    /// The peer answered the connection attempt with a reset (nothing listening).
    case refused
    /// An established connection was reset, or writing to it broke (EPIPE).
    case reset
    /// An echo (or, for the continuous pattern, a stalled connection) took longer than allowed.
    case timeout
    /// The connection was not established within `connectTimeout` (or the kernel gave up on its SYNs).
    case connectTimeout
    /// No route to the host or network (ICMP unreachable, EHOSTUNREACH, ENETUNREACH).
    case unreachable
    /// The target name could not be resolved.
    case dns
    /// The peer closed the connection cleanly before the flow's lifetime was over.
    case closed
    /// The echo did not match what was sent (a middlebox or server that is not a pure echo).
    case corrupted
    /// No ephemeral source port was free towards the destination (EADDRNOTAVAIL on connect):
    /// too many connections, most of them in TIME_WAIT, to one address and port.
    case sourcePortsExhausted
    /// The generator's descriptor budget was spent (its open-file limit less a reserve), or the
    /// process or system ran out of descriptors (EMFILE, ENFILE). A generator that cannot keep up
    /// with its rate piles up connections and ends here.
    case descriptorsExhausted
    /// The kernel had no memory or buffers for the socket (ENOBUFS, ENOMEM).
    case kernelMemory
    /// Anything else; the log has the underlying error.
    case other
}
