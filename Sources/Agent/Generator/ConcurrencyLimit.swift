import FlowTestShared

/// How many flows may be open before an arrival is skipped (and counted in `flowsSkipped`).
///
/// A flow counts from the moment its socket exists, connecting or not: on a slow or overloaded
/// network, flows stuck connecting are what piles up, and a generator that went on opening
/// flows past `maxConcurrent` made the overload worse (a real cluster saw 207 open against a
/// limit of 50). The constant pattern's flows end the instant their successors start, often
/// on another event loop, so a successor may find its predecessor not closed yet, and more so
/// on a busy machine whose loops run late; the limit allows for that, the arrivals of 250 ms (at
/// least two per loop), and no more: flows stuck connecting pile up far beyond it (a real
/// cluster's 207 against 50 at 50 a second would stop at 63).
enum ConcurrencyLimit {
    /// The open-flow count at which an arrival is skipped; nil where the pattern opens a fixed
    /// set of flows (continuous: exactly `maxConcurrent`, each living the whole run).
    static func skipAt(pattern: FlowPattern, maxConcurrent: Int, rate: Double, loopCount: Int) -> Int? {
        switch pattern {
        case .random: maxConcurrent
        case .constant: maxConcurrent + replacementAllowance(rate: rate, loopCount: loopCount)
        case .continuous: nil
        }
    }

    /// Successors that may start before their predecessors are seen closed.
    static func replacementAllowance(rate: Double, loopCount: Int) -> Int {
        max(2 * max(1, loopCount), Int((rate * 0.25).rounded(.up)))
    }
}
