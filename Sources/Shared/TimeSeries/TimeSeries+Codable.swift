/// In the status: the grid and the covered times as integers, and every sample from the first
/// to the last in one line of text (`;` between samples, an empty one for a step without
/// figures), so a series is one YAML line, as the round-trip histogram is.
extension TimeSeries: Codable {
    private enum CodingKeys: String, CodingKey {
        case stepMilliseconds, startUnixMilliseconds, endUnixMilliseconds, firstSample, samples
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let step = try container.decode(Int64.self, forKey: .stepMilliseconds)
        guard step >= Self.baseStepMilliseconds, step % Self.baseStepMilliseconds == 0, (step / Self.baseStepMilliseconds).nonzeroBitCount == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .stepMilliseconds, in: container, debugDescription: "stepMilliseconds \(step) is not 1000 times a power of two")
        }
        self.init(startMilliseconds: try container.decode(Int64.self, forKey: .startUnixMilliseconds), stepMilliseconds: step)
        endMilliseconds = try container.decode(Int64.self, forKey: .endUnixMilliseconds)
        let first = try container.decode(Int64.self, forKey: .firstSample)
        let text = try container.decode(String.self, forKey: .samples)
        var samples: [Int64: TimeSeriesSample] = [:]
        for (offset, part) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() where !text.isEmpty {
            guard let sample = TimeSeriesSample(text: part) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .samples, in: container, debugDescription: "sample \(offset) \"\(part.prefix(80))\" is not a list of counts and round-trip buckets")
            }
            samples[first + Int64(offset)] = sample
        }
        self.samples = samples
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stepMilliseconds, forKey: .stepMilliseconds)
        try container.encode(startMilliseconds, forKey: .startUnixMilliseconds)
        try container.encode(endMilliseconds, forKey: .endUnixMilliseconds)
        try container.encode(samples.keys.min() ?? index(of: startMilliseconds), forKey: .firstSample)
        try container.encode(sampleText, forKey: .samples)
    }

    /// Every sample from the first to the last, `;` between them.
    var sampleText: String {
        guard let first = samples.keys.min(), let last = samples.keys.max() else { return "" }
        return (first...last).map { samples[$0]?.text ?? "" }.joined(separator: ";")
    }
}
