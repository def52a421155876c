#if canImport(Glibc)
import Glibc
#endif

/// A system call on a socket that failed: which call, and errno (for the caller to explain, such
/// as naming the port that is in use).
public struct SocketError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32 = Glibc.errno) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation): \(String(validatingCString: strerror(errno)) ?? "errno \(errno)")" }
}
