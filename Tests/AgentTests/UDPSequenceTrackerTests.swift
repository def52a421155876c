import Testing
@testable import FlowTestAgent

@Suite("UDP sequence tracking: loss, duplicates, reordering, jitter")
struct UDPSequenceTrackerTests {
    @Test func countsEachKindOfImpairment() {
        var tracker = UDPSequenceTracker()
        // Sent 0...9; 3 and 7 lost; 5 duplicated; 2 arrives after 4.
        for sequence: UInt32 in [0, 1, 4, 2, 5, 5, 6, 8, 9] {
            _ = tracker.record(sequence: sequence, roundTripNanoseconds: 1000)
        }
        #expect(tracker.received == 8)
        #expect(tracker.duplicates == 1)
        #expect(tracker.reordered == 1)
        #expect(tracker.lost(sent: 10) == 2)
    }

    @Test func jitterFollowsRFC3550() {
        var tracker = UDPSequenceTracker()
        _ = tracker.record(sequence: 0, roundTripNanoseconds: 1000)
        _ = tracker.record(sequence: 1, roundTripNanoseconds: 1160)
        // J = 0 + (|1160 − 1000| − 0) / 16 = 10
        #expect(tracker.jitterNanoseconds == 10)
        _ = tracker.record(sequence: 2, roundTripNanoseconds: 1000)
        // J = 10 + (160 − 10) / 16 = 19.375
        #expect(tracker.jitterNanoseconds == 19.375)
    }

    @Test func farSequenceNumbersGrowTheBitmap() {
        var tracker = UDPSequenceTracker()
        #expect(tracker.record(sequence: 100_000, roundTripNanoseconds: 1) == .first(reordered: false))
        #expect(tracker.record(sequence: 3, roundTripNanoseconds: 1) == .first(reordered: true))
        #expect(tracker.record(sequence: 100_000, roundTripNanoseconds: 1) == .duplicate)
    }
}
