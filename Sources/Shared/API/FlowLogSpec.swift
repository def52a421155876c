/// The flow log in a cluster: agents write one JSON Lines record per flow to stdout, each marked
/// `{"flowtest_flow":{...}}`, for `kubectl logs` and log pipelines to collect.
public struct FlowLogSpec: Codable, Sendable, Equatable {
    /// Whether the generators write a record per flow (the 5-tuple as they bound and dialled it).
    public var generators = true
    /// Whether the echo servers write a record per connection or UDP source (the 5-tuple they saw).
    public var echo = true

    public init(generators: Bool = true, echo: Bool = true) {
        self.generators = generators
        self.echo = echo
    }

    /// The agent flags that switch the flow log on, for an agent of `role` ("generator" or "echo").
    public func arguments(role: String) -> [String] {
        (role == "echo" ? echo : generators) ? ["--flow-log", "-", "--flow-log-format", "jsonl"] : []
    }
}
