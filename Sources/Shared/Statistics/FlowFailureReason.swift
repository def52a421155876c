/// Why a flow failed; a Prometheus label and a key of the failure counts, so the set is closed.
public enum FlowFailureReason: String, CaseIterable, Codable, Sendable, Hashable {
    /// The peer answered the connection attempt with a reset (nothing listening).
    case refused
    /// An established connection was reset, or writing to it broke (EPIPE).
    case reset
    /// Connecting, or waiting for an echo, took longer than allowed.
    case timeout
    /// No route to the host or network (ICMP unreachable, EHOSTUNREACH, ENETUNREACH).
    case unreachable
    /// The target name could not be resolved.
    case dns
    /// The peer closed the connection cleanly before the flow's lifetime was over.
    case closed
    /// The echo did not match what was sent (a middlebox or server that is not a pure echo).
    case corrupted
    /// The generator's own limits: out of file descriptors, or of ephemeral ports towards the target.
    case local
    /// Anything else; the log has the underlying error.
    case other
}
