import FlowTestShared

/// How a generator probes new connections, as its statistics report them.
struct ProbeSettings: Equatable, Sendable {
    /// Probes per second.
    var rate: Double
    /// Time between two probes to one destination: the timeline's resolution.
    var resolution: Duration
    /// Intervals a report carries: the generator's share of the status.
    var intervalLimit: Int

    /// The settings of a run of `configuration`; nil when it probes none.
    init?(_ configuration: GeneratorConfiguration) {
        guard configuration.pattern == .continuous, let rate = configuration.newConnectionRate else { return nil }
        self.rate = rate
        resolution = ProbeDestinations(configuration).resolution(rate: rate)
        intervalLimit = NewConnectionSummary.agentIntervalLimit(timelineBytes: configuration.timelineBytes)
    }
}
