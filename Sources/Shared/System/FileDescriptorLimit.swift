#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-process open-file limit, which caps concurrent connections and flows.
public enum FileDescriptorLimit {
    /// Descriptors a process keeps free of connections, for its metrics endpoint, logging, and the
    /// runtime: libdispatch traps when it cannot open its /proc files, so the limit must never be
    /// reached by sockets alone.
    public static let reserve = 256

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the new soft limit.
    ///
    /// Container runtimes often start processes with a soft limit of 1024 while allowing far more;
    /// every connection costs one descriptor, so a network tester wants all it is allowed.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }
}
