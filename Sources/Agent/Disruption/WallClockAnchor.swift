import Foundation
import NIOCore

/// Turns the event loops' monotonic deadlines into wall-clock times, from one reading of both
/// clocks taken when the run starts: outage times are then exact to the nanosecond relative to
/// each other, and an NTP step during the test cannot bend a duration.
struct WallClockAnchor: Sendable {
    private let uptimeNanoseconds: UInt64
    private let unixNanoseconds: Int64

    init() {
        uptimeNanoseconds = NIODeadline.now().uptimeNanoseconds
        unixNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
    }

    /// Nanoseconds since the Unix epoch at `deadline`.
    func unixNanoseconds(_ deadline: NIODeadline) -> Int64 {
        unixNanoseconds + Int64(bitPattern: deadline.uptimeNanoseconds &- uptimeNanoseconds)
    }
}
