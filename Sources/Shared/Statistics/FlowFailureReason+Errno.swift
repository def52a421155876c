#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FlowFailureReason {
    /// Maps an errno from connect, read or write.
    public init(errno code: CInt) {
        switch code {
        case ECONNREFUSED: self = .refused
        case ECONNRESET, EPIPE, ECONNABORTED: self = .reset
        case ETIMEDOUT: self = .timeout
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN: self = .unreachable
        // EADDRNOTAVAIL on connect means no ephemeral port is left for this destination.
        case EADDRNOTAVAIL: self = .sourcePortsExhausted
        case EMFILE, ENFILE: self = .descriptorsExhausted
        case ENOBUFS, ENOMEM: self = .kernelMemory
        default: self = .other
        }
    }
}
