/// One line of a watch stream.
public struct WatchEvent<Object: Decodable & Sendable>: Sendable {
    public var type: WatchEventType
    /// The object (ADDED, MODIFIED, DELETED); nil for bookmarks and errors.
    public var object: Object?
    /// The resourceVersion this event brings the watcher to.
    public var resourceVersion: String?
}
