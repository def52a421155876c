/// A closed range of whole numbers as the API writes it: `{min: 64, max: 512}`; min = max fixes it.
public struct SizeRange: Codable, Sendable, Equatable {
    public var min: Int64
    public var max: Int64

    public init(min: Int64, max: Int64) {
        self.min = min
        self.max = max
    }

    public init(_ range: ClosedRange<Int64>) {
        self.init(min: range.lowerBound, max: range.upperBound)
    }
}
