/// Loss, duplicates, reordering and jitter of one UDP flow, from the sequence numbers echoed back.
///
/// Definitions, so the figures can be compared with other tools:
/// - received: distinct sequence numbers that came back;
/// - duplicate: a sequence number that came back again;
/// - reordered: a first arrival whose sequence number is lower than one already received;
/// - lost: sent − received, settled when the flow ends and its drain time has passed;
/// - jitter: RFC 3550 §6.4.1 interarrival jitter over round-trip times,
///   J += (|D| − J) / 16 with D the difference between consecutive round trips.
struct UDPSequenceTracker: Sendable {
    /// One bit per sequence number seen; grows with the flow (1 KiB per 8192 datagrams).
    private var seen: [UInt64] = []
    private(set) var received: UInt64 = 0
    private(set) var duplicates: UInt64 = 0
    private(set) var reordered: UInt64 = 0
    private(set) var jitterNanoseconds: Double = 0
    private var highest: UInt32?
    private var previousRoundTrip: UInt64?

    /// The outcome of one arrival.
    enum Arrival: Equatable {
        case first(reordered: Bool)
        case duplicate
    }

    /// Records the echo of datagram `sequence` that took `roundTripNanoseconds`.
    mutating func record(sequence: UInt32, roundTripNanoseconds: UInt64) -> Arrival {
        let word = Int(sequence / 64)
        let bit = UInt64(1) << UInt64(sequence % 64)
        if word >= seen.count { seen.append(contentsOf: repeatElement(0, count: word - seen.count + 1)) }
        if seen[word] & bit != 0 {
            duplicates += 1
            return .duplicate
        }
        seen[word] |= bit
        received += 1
        if let previousRoundTrip {
            let difference = Double(roundTripNanoseconds) - Double(previousRoundTrip)
            jitterNanoseconds += (abs(difference) - jitterNanoseconds) / 16
        }
        previousRoundTrip = roundTripNanoseconds
        let isReordered = highest.map { sequence < $0 } ?? false
        if isReordered { reordered += 1 } else { highest = sequence }
        return .first(reordered: isReordered)
    }

    /// Datagrams among `sent` that never came back.
    func lost(sent: UInt64) -> UInt64 {
        sent > received ? sent - received : 0
    }
}
