import NIOCore
import NIOPosix

extension MultiThreadedEventLoopGroup {
    /// Returns once every event loop has run what was queued on it before the call (twice, so
    /// that work those tasks queued runs too): closes scheduled at shutdown have then happened.
    func settle() async {
        for _ in 0..<2 {
            for loop in makeIterator() { try? await loop.submit {}.get() }
        }
    }
}
