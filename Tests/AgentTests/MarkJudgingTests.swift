import FlowTestShared
import Testing
@testable import FlowTestAgent

/// How the echo judges what arrived, and how it reads control messages.
@Suite("Mark judging: expected, re-marked, unmarked")
struct MarkJudgingTests {
    static let tag = SciTag(experiment: 65, activity: 2)

    @Test func outcomes() {
        let both = MarkExpectation(dscp: DSCPValue(parsing: "EF"), scitag: Self.tag)
        let label = Self.tag.flowLabel(random: 0b10101)
        #expect(both.judge(trafficClass: 46 << 2, flowLabel: label) == .marked)
        // ECN bits are the network's business, not a re-marking.
        #expect(both.judge(trafficClass: 46 << 2 | 1, flowLabel: label) == .marked)
        #expect(both.judge(trafficClass: 0, flowLabel: 0) == .unmarked)
        #expect(both.judge(trafficClass: 0, flowLabel: label) == .remarked)
        #expect(both.judge(trafficClass: 46 << 2, flowLabel: 0x12345) == .remarked)
        // A label without the tag is no tag: Linux labels every IPv6 flow by itself.
        #expect(both.judge(trafficClass: 0, flowLabel: 0x12345) == .unmarked)
        #expect(both.judge(trafficClass: 10 << 2, flowLabel: 0x12345) == .remarked)
        // IPv4: no label to judge, DSCP alone decides.
        #expect(both.judge(trafficClass: 46 << 2, flowLabel: nil) == .marked)
        #expect(MarkExpectation(scitag: Self.tag).judge(trafficClass: 46 << 2, flowLabel: nil) == nil)
        #expect(MarkExpectation(dscp: DSCPValue(parsing: "CS0")).judge(trafficClass: 0, flowLabel: nil) == .marked)
    }

    @Test func controlMessagesAreParsed() {
        // cmsghdr: 8-byte length, level, type, then data aligned to 8 bytes.
        func message(level: Int32, type: Int32, data: [UInt8]) -> [UInt8] {
            var bytes = withUnsafeBytes(of: 16 + data.count) { Array($0) }
            bytes += withUnsafeBytes(of: level) { Array($0) } + withUnsafeBytes(of: type) { Array($0) } + data
            return bytes + [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8)
        }
        let buffer = message(level: 41, type: 67, data: [0xB8, 0, 0, 0]) + message(level: 41, type: 11, data: [0x0B, 0x89, 0xAB, 0xCD])
        let marks = buffer.withUnsafeBytes { ControlMessages($0) }
        #expect(marks.trafficClass == 0xB8)
        #expect(marks.flowLabel == 0x9ABCD)
        let ipv4 = message(level: 0, type: 1, data: [0x88]).withUnsafeBytes { ControlMessages($0) }
        #expect(ipv4.trafficClass == 0x88 && ipv4.flowLabel == nil)
        // A truncated buffer is read no further than it goes.
        let cut = Array(buffer.prefix(19)).withUnsafeBytes { ControlMessages($0) }
        #expect(cut.trafficClass == nil)
    }
}
