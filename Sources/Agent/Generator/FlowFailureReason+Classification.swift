import FlowTestShared
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FlowFailureReason {
    /// Maps an error from establishing a connection: the kernel giving up on its SYNs (ETIMEDOUT)
    /// is a connect timeout too.
    init(classifyingConnectError error: any Error) {
        let reason = FlowFailureReason(classifying: error)
        self = reason == .timeout ? .connectTimeout : reason
    }

    /// Maps the errno of a connect that failed (the data plane's): ETIMEDOUT, the kernel giving
    /// up on its SYNs, is a connect timeout.
    init(connectErrno code: Int32) {
        let reason = FlowFailureReason(errno: code)
        self = reason == .timeout ? .connectTimeout : reason
    }

    /// Maps a socket or NIO error to the reason it is counted under.
    init(classifying error: any Error) {
        switch error {
        case let ioError as IOError:
            self.init(errno: ioError.errnoCode)
        case ChannelError.connectTimeout:
            self = .connectTimeout
        case let connectionError as NIOConnectionError:
            // Only host-name connects produce this; a failed lookup is DNS, anything else the first cause.
            if connectionError.dnsAError != nil || connectionError.dnsAAAAError != nil, connectionError.connectionErrors.isEmpty {
                self = .dns
            } else {
                self = connectionError.connectionErrors.first.map { FlowFailureReason(classifying: $0.error) } ?? .other
            }
        case is SocketAddressError:
            self = .dns
        default:
            self = .other
        }
    }
}
