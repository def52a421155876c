/// How flow start times and lifetimes are chosen (see DESIGN.md, decision 2).
public enum FlowPattern: String, CaseIterable, Codable, Sendable {
    /// Flows start exactly `rate` times per second and each lasts `maxConcurrent / rate`,
    /// so exactly `maxConcurrent` flows are open in steady state.
    case constant
    /// Poisson arrivals at `rate` per second, lifetimes uniform in `[minDuration, maxDuration]`.
    case random
    /// Disruption mode: `maxConcurrent` long-lived flows (opened at `rate` per second) exchange a
    /// message every `messageInterval` for the whole run; a broken TCP connection reconnects and
    /// goes on as the same flow, and every outage is recorded with its start, end and cause.
    case continuous
}
