/// What happens to the agent pods when the test ends.
public enum CleanupPolicy: String, Codable, Sendable, CaseIterable {
    /// Delete them.
    case always = "Always"
    /// Delete them if the test succeeded; keep them (and their logs) after a failure.
    case onSuccess = "OnSuccess"
    /// Keep them.
    case never = "Never"
}
