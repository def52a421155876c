/// The type of a watch event.
public enum WatchEventType: String, Sendable, Decodable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// Carries only `metadata.resourceVersion`: progress to resume from.
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}
