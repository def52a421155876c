/// Which of the echo pods one generator dials when each dials only `size` of them: a window of
/// the ring of every address (sorted, so that every generator sees the same ring), placed at
/// `index` of `count` evenly spaced starts.
///
/// Generator `i` of `n` starts at ⌊i·N/n⌋ of the N addresses and takes `size` consecutive ones,
/// wrapping around. Consecutive starts are at most ⌈N/n⌉ apart, which is at most `size` when
/// n·size ≥ N: the windows then overlap or touch, so together they cover the ring, and each
/// address is in ⌊n·size/N⌋ or ⌈n·size/N⌉ of them. With n·size < N the windows are disjoint
/// and n·size addresses are covered, spread evenly over the ring (the FlowTest schema refuses
/// that; a person typing the flags may want it). kubenurse's ring of neighbours is the same idea.
///
/// A pure function of the sorted list, so generators agree without talking to each other, and a
/// re-resolution that finds the same addresses gives every generator the same window again.
struct PeerWindow: Sendable, Equatable {
    /// How many addresses each generator dials.
    let size: Int
    /// This generator's position among `count`, 0-based.
    let index: Int
    /// How many generators share the ring.
    let count: Int

    /// This generator's addresses: all of them when there are no more than `size`.
    func select<Element>(_ ring: [Element]) -> [Element] {
        guard ring.count > size, count > 0 else { return ring }
        let start = index * ring.count / count
        return (0..<size).map { ring[(start + $0) % ring.count] }
    }
}
