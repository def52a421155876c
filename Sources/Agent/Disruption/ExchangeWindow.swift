import NIOCore

/// The UDP exchanges of one continuous flow that are not judged yet: their send times and
/// whether an echo came back in time, by sequence number, in a ring that grows only when more
/// exchanges are outstanding than ever before (`responseTimeout / messageInterval` of them).
struct ExchangeWindow {
    /// What the oldest unjudged exchange turned out to be.
    enum Verdict {
        case answered(sentAt: NIODeadline)
        case missed(sentAt: NIODeadline)
    }

    /// What an echo was, for the flow's counters.
    enum Echo {
        case inTime, late, duplicate, unknown
    }

    private var sendTimes: [UInt64]
    private var answered: [Bool]
    /// Sequence number of the oldest unjudged exchange; `next` is the next one to be sent.
    private(set) var oldest: UInt64 = 0
    private(set) var next: UInt64 = 0

    init(capacity: Int = 8) {
        let size = max(2, capacity).nextPowerOfTwo
        sendTimes = Array(repeating: 0, count: size)
        answered = Array(repeating: false, count: size)
    }

    var isEmpty: Bool { oldest == next }

    /// Records the exchange `next` as sent at `time`; returns its sequence number.
    mutating func sent(at time: NIODeadline) -> UInt64 {
        if Int(next - oldest) == sendTimes.count { grow() }
        let slot = index(next)
        sendTimes[slot] = time.uptimeNanoseconds
        answered[slot] = false
        next += 1
        return next - 1
    }

    /// Records the echo of `sequence`, received `roundTrip` after it was sent.
    mutating func echoed(_ sequence: UInt64, roundTrip: UInt64, responseTimeout: TimeAmount) -> Echo {
        guard sequence >= oldest else { return sequence < next ? .late : .unknown }
        guard sequence < next else { return .unknown }
        let slot = index(sequence)
        if answered[slot] { return .duplicate }
        guard roundTrip <= UInt64(responseTimeout.nanoseconds) else { return .late }
        answered[slot] = true
        return .inTime
    }

    /// The oldest exchange's verdict once it is known (answered, or past its deadline at `now`),
    /// removing it from the window; nil while it may still be answered.
    mutating func judgeOldest(now: NIODeadline, responseTimeout: TimeAmount) -> Verdict? {
        guard oldest < next else { return nil }
        let slot = index(oldest)
        let sentAt = NIODeadline.uptimeNanoseconds(sendTimes[slot])
        if answered[slot] {
            oldest += 1
            return .answered(sentAt: sentAt)
        }
        guard now >= sentAt + responseTimeout else { return nil }
        oldest += 1
        return .missed(sentAt: sentAt)
    }

    /// The deadline of the oldest unjudged exchange.
    func oldestDeadline(responseTimeout: TimeAmount) -> NIODeadline? {
        oldest < next ? .uptimeNanoseconds(sendTimes[index(oldest)]) + responseTimeout : nil
    }

    private func index(_ sequence: UInt64) -> Int {
        Int(sequence & UInt64(sendTimes.count - 1))
    }

    private mutating func grow() {
        var times = Array(repeating: UInt64(0), count: sendTimes.count * 2)
        var flags = Array(repeating: false, count: sendTimes.count * 2)
        for sequence in oldest..<next {
            let to = Int(sequence & UInt64(times.count - 1))
            times[to] = sendTimes[index(sequence)]
            flags[to] = answered[index(sequence)]
        }
        sendTimes = times
        answered = flags
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int {
        var value = 1
        while value < self { value <<= 1 }
        return value
    }
}
