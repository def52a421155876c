/// The type of a watch event.
public enum WatchEventType: String, Sendable, Decodable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// Carries only `metadata.resourceVersion`: progress to resume from.
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One line of a watch stream.
public struct WatchEvent<Object: Decodable & Sendable>: Sendable {
    public var type: WatchEventType
    /// The object (ADDED, MODIFIED, DELETED); nil for bookmarks and errors.
    public var object: Object?
    /// The resourceVersion this event brings the watcher to.
    public var resourceVersion: String?
}

/// A list response page.
public struct ListPage<Object: Decodable & Sendable>: Sendable {
    public var items: [Object]
    public var resourceVersion: String
    /// Pass to the next `list` call; nil on the last page.
    public var continueToken: String?
    public var remainingItemCount: Int?
}
