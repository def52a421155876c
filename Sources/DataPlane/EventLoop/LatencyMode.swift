/// Latency mode (`--dedicated-threads`, `spec.flows.dedicatedThreads`): the data plane's loops
/// poll for a while after each event instead of sleeping at once.
///
/// A loop that sleeps in epoll_wait is woken by the scheduler when an answer arrives: a few
/// microseconds that a round-trip measurement then reports as the network's. A loop that polls
/// reads the answer as it lands. Polling for a fixed window after the last event, rather than
/// always, keeps idle loops asleep: in a one-flow latency test the two loops that carry the flow
/// (one per agent) poll, on the machine's two cores, and the others sleep.
public enum LatencyMode {
    /// How long a loop polls after its last event: a loopback round trip is 10 to 50 µs, so a
    /// ping-pong keeps both its loops polling; a paced flow's loop sleeps between messages.
    public static let spinNanoseconds: UInt64 = 200_000
}
