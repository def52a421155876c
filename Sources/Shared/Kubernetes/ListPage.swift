/// A list response page.
public struct ListPage<Object: Decodable & Sendable>: Sendable {
    public var items: [Object]
    public var resourceVersion: String
    /// Pass to the next `list` call; nil on the last page.
    public var continueToken: String?
    public var remainingItemCount: Int?
}
