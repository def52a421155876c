/// Where a FlowTest is in its life.
public enum FlowTestPhase: String, Codable, Sendable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}
