#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writing records failed (a full disk, a closed pipe).
struct RecordOutputError: Error, CustomStringConvertible {
    let code: CInt

    var description: String { String(cString: strerror(code)) }
}
