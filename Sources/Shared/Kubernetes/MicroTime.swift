import Foundation

/// Kubernetes `metav1.MicroTime`: RFC 3339 in UTC with exactly six fractional digits,
/// `2026-12-01T09:14:05.768000Z`.
///
/// The API server parses it with Go's layout `2006-01-02T15:04:05.000000Z07:00`, which takes
/// six digits and no other number: a real kube-apiserver v1.36.2 refused every Event whose
/// `eventTime` had three (`.768Z`) with 400 BadRequest. Event `eventTime` and Lease
/// `acquireTime`/`renewTime` are MicroTimes; `metav1.Time` fields (creationTimestamp,
/// lastTransitionTime) are RFC 3339 in whole seconds instead.
public enum MicroTime {
    /// The date to the nearest microsecond, formatted as the API server stores it.
    public static func string(_ date: Date) -> String {
        // Whole microseconds first, so a fraction such as .768 (not exact in binary) is
        // written .768000, not .767999.
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = (microseconds / 1_000_000).rounded(.down)
        let fraction = Int64(microseconds - seconds * 1_000_000)
        let whole = Date(timeIntervalSince1970: seconds).ISO8601Format()  // yyyy-MM-ddTHH:mm:ssZ, UTC
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    /// Reads a MicroTime back, or any RFC 3339 time with or without a fraction; nil otherwise.
    public static func date(_ text: String) -> Date? {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? fractional.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
