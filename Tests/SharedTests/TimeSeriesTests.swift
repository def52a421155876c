import FlowTestShared
import Foundation
import Testing

/// Generators' time series: bounded, exact when coarsened and when merged across agents, and
/// compact in the status.
@Suite("Time series: bounded, merged exactly, compact")
struct TimeSeriesTests {
    static let start: Int64 = 1_796_130_000_000

    static func sample(_ started: UInt64, active: UInt64 = 5, rtt: [UInt64] = [150_000, 400_000]) -> TimeSeriesSample {
        var sample = TimeSeriesSample()
        sample.flowsStarted = started
        sample.flowsCompleted = started / 2
        sample.flowsFailed = started % 3
        sample.activeFlows = active
        sample.bytes = started * 1000
        sample.udpDatagramsSent = started * 4
        sample.udpLost = started % 2
        sample.udpJitterMicrosecondsSum = started * 30
        sample.udpJitterFlows = started / 4
        for value in rtt { sample.rtt.record(nanoseconds: value, count: started) }
        return sample
    }

    /// The sum of every sample's counts: what coarsening and merging must keep exactly.
    static func totals(_ series: TimeSeries) -> (started: UInt64, bytes: UInt64, lost: UInt64, rtt: UInt64) {
        series.samples.values.reduce((0, 0, 0, 0)) { ($0.0 + $1.flowsStarted, $0.1 + $1.bytes, $0.2 + $1.udpLost, $0.3 + $1.rtt.count) }
    }

    @Test func aLongRunKeepsAtMostTheLimitAndLosesNoCount() {
        var series = TimeSeries(startMilliseconds: Self.start + 300)
        var expected: UInt64 = 0
        for second in 1...3600 {
            series.record(Self.sample(UInt64(second % 97)), at: Self.start + Int64(second) * 1000)
            expected += UInt64(second % 97)
            #expect(series.samples.count <= TimeSeries.sampleLimit)
        }
        #expect(Self.totals(series).started == expected)
        #expect(series.stepMilliseconds == 32_000, "3600 s in steps of 1 s doubled until at most 120: 32 s")
        #expect(series.samples.count >= TimeSeries.sampleLimit / 2)
        // The last sample's gauge is the last one recorded, not a sum of the joined steps.
        #expect(series.samples[series.samples.keys.max()!]?.activeFlows == 5)
    }

    @Test func seriesOfDifferentStepsMergeExactlyAtTheCoarserGrid() throws {
        var short = TimeSeries(startMilliseconds: Self.start)
        var long = TimeSeries(startMilliseconds: Self.start + 2500)
        for second in 1...30 { short.record(Self.sample(10, active: 3), at: Self.start + Int64(second) * 1000) }
        for second in 3...200 { long.record(Self.sample(7, active: 4), at: Self.start + Int64(second) * 1000) }
        #expect(long.stepMilliseconds > short.stepMilliseconds)
        let merged = try #require(TimeSeries.merging([short, long]))
        #expect(merged.stepMilliseconds == long.stepMilliseconds)
        #expect(Self.totals(merged).started == Self.totals(short).started + Self.totals(long).started)
        #expect(Self.totals(merged).rtt == Self.totals(short).rtt + Self.totals(long).rtt)
        #expect(merged.startMilliseconds == Self.start && merged.endMilliseconds == Self.start + 200_000)
        // Both agents ran in the second step: their open flows add.
        let second = try #require(merged.samples[merged.index(of: Self.start + 10_000)])
        #expect(second.activeFlows == 7)
        #expect(TimeSeries.merging([]) == nil)
    }

    @Test func aSeriesTravelsAsOneLineAndComesBackExactly() throws {
        var series = TimeSeries(startMilliseconds: Self.start + 250)
        series.record(Self.sample(12), at: Self.start + 1000)
        series.record(TimeSeriesSample(), at: Self.start + 2000)
        series.record(Self.sample(3, rtt: [2, 90_000_000_000]), at: Self.start + 2600)
        let json = try JSONValue(encoding: series)
        let text = try #require(json["samples"]?.string)
        #expect(!text.contains(" ") && !text.contains("\n"), "one plain scalar: \(text)")
        #expect(text.split(separator: ";", omittingEmptySubsequences: false).count == 3)
        let decoded = try JSONDecoder().decode(TimeSeries.self, from: JSONEncoder().encode(series))
        #expect(decoded == series)
        let empty = TimeSeries(startMilliseconds: Self.start)
        #expect(try JSONDecoder().decode(TimeSeries.self, from: JSONEncoder().encode(empty)) == empty)
    }

    @Test(arguments: ["1,x", "1,2,3,4,5,6,7,8,9,10:1,11", "1,,,,,,,,,a:1", "1,,,,,,,,,3:1/x", "-1"])
    func malformedSamplesAreRejectedNamingTheField(text: String) {
        let json = #"{"stepMilliseconds": 1000, "startUnixMilliseconds": 0, "endUnixMilliseconds": 0, "firstSample": 1, "samples": "\#(text)"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TimeSeries.self, from: Data(json.utf8)) }
    }

    @Test func aStepThatIsNotOneSecondTimesAPowerOfTwoIsRejected() {
        let json = #"{"stepMilliseconds": 3000, "startUnixMilliseconds": 0, "endUnixMilliseconds": 0, "firstSample": 1, "samples": ""}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TimeSeries.self, from: Data(json.utf8)) }
    }

    /// However wide the round trips, the text stays within the schema's maxLength.
    @Test func theTextNeverExceedsTheSchemasLimit() throws {
        var series = TimeSeries(startMilliseconds: Self.start)
        let everyBucket = (0..<72).map { UInt64(pow(2, Double($0) / 2).rounded(.up)) }
        for second in 1...40 {
            var sample = Self.sample(UInt64.max / 4_000)
            for value in everyBucket { sample.rtt.record(nanoseconds: value, count: 123_456_789_012) }
            series.record(sample, at: Self.start + Int64(second) * 1000)
        }
        let text = try #require(try JSONValue(encoding: series)["samples"]?.string)
        #expect(text.utf8.count <= TimeSeries.textLimit, "\(text.utf8.count) bytes")
    }

    @Test func bucketPercentilesAreWithinTwentyPercentAndDifferencesExact() throws {
        var earlier = RoundTripBuckets()
        var later = RoundTripBuckets()
        for value in stride(from: 100_000, through: 10_000_000, by: 1000) {
            later.record(nanoseconds: UInt64(value))
            if value < 5_000_000 { earlier.record(nanoseconds: UInt64(value)) }
        }
        let p50 = try #require(later.percentileMilliseconds(50))
        let p99 = try #require(later.percentileMilliseconds(99))
        #expect(abs(p50 - 5.05) / 5.05 < 0.2, "\(p50)")
        #expect(abs(p99 - 9.9) / 9.9 < 0.2, "\(p99)")
        let delta = later.since(earlier)
        #expect(delta.count == later.count - earlier.count)
        var rebuilt = earlier
        rebuilt += delta
        #expect(rebuilt == later)
        #expect(RoundTripBuckets().percentileMilliseconds(50) == nil)
    }

    @Test func stepsCoverOnlyTheTimeTheSeriesRan() throws {
        var series = TimeSeries(startMilliseconds: Self.start + 400)
        series.record(Self.sample(6), at: Self.start + 1000)
        series.record(Self.sample(10), at: Self.start + 2000)
        series.record(Self.sample(3), at: Self.start + 2300)
        let steps = series.steps
        #expect(steps.count == 3)
        #expect(abs(steps[0].seconds - 0.6) < 1e-9 && abs(steps[1].seconds - 1) < 1e-9 && abs(steps[2].seconds - 0.3) < 1e-9)
    }
}
