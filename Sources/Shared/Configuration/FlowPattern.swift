/// How flow start times and lifetimes are chosen (see DESIGN.md, decision 2).
public enum FlowPattern: String, CaseIterable, Codable, Sendable {
    /// Flows start exactly `rate` times per second and each lasts `maxConcurrent / rate`,
    /// so exactly `maxConcurrent` flows are open in steady state.
    case constant
    /// Poisson arrivals at `rate` per second, lifetimes uniform in `[minDuration, maxDuration]`.
    case random
}
