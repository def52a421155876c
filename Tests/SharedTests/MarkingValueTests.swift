import FlowTestShared
import Foundation
import Testing

/// DSCP names and numbers, and the SciTags flow label layout (flowd's, bit by bit).
@Suite("Marking values: DSCP names, SciTags flow labels")
struct MarkingValueTests {
    @Test(arguments: [
        ("EF", 46), ("AF11", 10), ("AF12", 12), ("AF13", 14), ("AF21", 18), ("AF41", 34), ("AF43", 38), ("CS0", 0), ("CS1", 8),
        ("CS6", 48), ("CS7", 56), ("LE", 1), ("VA", 44), ("0", 0), ("63", 63), ("46", 46),
    ] as [(String, UInt8)])
    func dscpNamesAndNumbersParse(text: String, codePoint: UInt8) throws {
        let value = try #require(DSCPValue(parsing: text))
        #expect(value.codePoint == codePoint)
        #expect(value.trafficClass == Int32(codePoint) << 2)
        // The CRD's pattern accepts exactly what the parser accepts.
        #expect(text.range(of: DSCPValue.pattern, options: .regularExpression) != nil)
    }

    @Test(arguments: ["64", "AF44", "AF51", "CS8", "ef", "-1", "", "4 6"])
    func otherDSCPsAreRejected(text: String) {
        #expect(DSCPValue(parsing: text) == nil)
        #expect(text.range(of: DSCPValue.pattern, options: .regularExpression) == nil)
    }

    @Test func dscpKeepsTheFormItWasWrittenIn() throws {
        struct Holder: Codable { var dscp: DSCPValue }
        for json in [#"{"dscp":46}"#, #"{"dscp":"EF"}"#, #"{"dscp":"46"}"#] {
            let holder = try JSONDecoder().decode(Holder.self, from: Data(json.utf8))
            #expect(holder.dscp.codePoint == 46)
            #expect(String(decoding: try JSONEncoder().encode(holder), as: UTF8.self) == json)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"dscp":64}"#.utf8)) }
    }

    @Test func theLabelLayoutIsFlowds() {
        // Experiment 65 = 0b0_0100_0001, bit-reversed 0b1_0000_0100; activity 2 = 0b00_0010.
        let tag = SciTag(experiment: 65, activity: 2)
        #expect(tag.tagBits == 0b00_100000100_0_000010_00)
        // Random bits: r1 r0 at the top, r2 between the ids, r4 r3 at the bottom.
        #expect(tag.flowLabel(random: 0) == tag.tagBits)
        #expect(tag.flowLabel(random: 0b11) == tag.tagBits | 0b11 << 18)
        #expect(tag.flowLabel(random: 0b100) == tag.tagBits | 1 << 8)
        #expect(tag.flowLabel(random: 0b11000) == tag.tagBits | 0b11)
        // The extremes stay inside 20 bits and inside their fields.
        #expect(SciTag(experiment: 511, activity: 63).flowLabel(random: .max) == 0xF_FFFF)
        #expect(SciTag(experiment: 1, activity: 0).tagBits == 1 << 17)
        #expect(SciTag(experiment: 256, activity: 0).tagBits == 1 << 9)
        #expect(SciTag(experiment: 0, activity: 1).tagBits == 1 << 2)
    }

    @Test func aTagMatchesWhateverItsRandomBits() {
        let tag = SciTag(experiment: 300, activity: 17)
        for random in [UInt64(0), 1, 7, 31, 0xDEAD_BEEF] {
            #expect(tag.matches(label: tag.flowLabel(random: random)))
        }
        #expect(!tag.matches(label: SciTag(experiment: 301, activity: 17).flowLabel(random: 0)))
        #expect(!tag.matches(label: SciTag(experiment: 300, activity: 16).flowLabel(random: 0)))
        #expect(!tag.matches(label: 0))
    }

    @Test(arguments: [("65:2", SciTag(experiment: 65, activity: 2)), ("0:0", SciTag(experiment: 0, activity: 0)), ("511:63", SciTag(experiment: 511, activity: 63))])
    func scitagFlagsParse(text: String, tag: SciTag) {
        #expect(SciTag(parsing: text) == tag)
        #expect(tag.description == text)
    }

    @Test(arguments: ["512:0", "1:64", "1", "1:2:3", "a:b", ":", "-1:2"])
    func badScitagFlagsAreRejected(text: String) {
        #expect(SciTag(parsing: text) == nil)
    }
}
