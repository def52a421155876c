#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-process open-file limit, which caps concurrent connections and flows.
public enum FileDescriptorLimit {
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
