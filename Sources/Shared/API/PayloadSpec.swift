/// Message sizes: `size` for a fixed size, or `minSize` and `maxSize` for a uniform range.
public struct PayloadSpec: Codable, Sendable, Equatable {
    public var size: Int64?
    public var minSize: Int64?
    public var maxSize: Int64?

    public init(size: Int64? = nil, minSize: Int64? = nil, maxSize: Int64? = nil) {
        self.size = size
        self.minSize = minSize
        self.maxSize = maxSize
    }
}
