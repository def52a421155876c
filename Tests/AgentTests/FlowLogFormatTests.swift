import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The flow log's three formats: exact values, and every one reads back to the same records.
@Suite("Flow log: formats, exact values, the bounded writer")
struct FlowLogFormatTests {
    /// A record with every field set, names that need escaping in JSON and quoting in CSV.
    static let full = FlowLogRecord(
        flowTest: "net,test", agent: "gen \"0\"", role: .generator, flowID: 42, transport: .udp, sourceAddress: "fd00::1",
        sourcePort: 40001, destinationAddress: "10.96.0.10", destinationPort: 8080, startNanoseconds: 1_764_582_845_123_456_789,
        endNanoseconds: 1_764_582_847_000_000_001, sourceBytes: 6400, destinationBytes: 6336, sourceMessages: 100,
        destinationMessages: 99, roundTripMedianNanoseconds: 123_457, roundTripMaxNanoseconds: 9_000_001, udpLost: 1,
        udpDuplicated: 2, udpReordered: 3, tcpRetransmits: nil, reconnects: 4, failure: .timeout)
    /// The other shape: a TCP echo record, mostly empty.
    static let sparse = FlowLogRecord(
        role: .echo, transport: .tcp, sourceAddress: "127.0.0.1", sourcePort: 1, destinationAddress: "127.0.0.1", destinationPort: 2,
        startNanoseconds: 0, endNanoseconds: 999)

    private func roundTrip(_ format: FlowLogFormat, _ records: [FlowLogRecord]) throws -> (text: String, read: [FlowLogRecord]) {
        var encoder = FlowLogEncoder(format: format)
        // Two batches, as the writer makes them: the file must be the same as one written at once.
        let text = String(decoding: encoder.encode(records.prefix(1)) + encoder.encode(records.dropFirst()) + encoder.finish(), as: UTF8.self)
        return (text, try FlowLogRecordReader.read(text, source: "test").records)
    }

    @Test(arguments: FlowLogFormat.allCases)
    func everyFormatReadsBackToTheSameRecords(format: FlowLogFormat) throws {
        let (text, read) = try roundTrip(format, [Self.full, Self.sparse])
        #expect(read == [Self.full, Self.sparse], "\(text)")
    }

    @Test func csvHasTheNfdumpColumnsFirstAndExactValues() throws {
        let (text, _) = try roundTrip(.csv, [Self.full])
        let lines = text.split(separator: "\n")
        #expect(lines.first == "ts,te,td,pr,sa,sp,da,dp,ibyt,obyt,ipkt,opkt,flowtest,agent,role,flow_id,rtt_p50_ns,rtt_max_ns,udp_lost,udp_duplicated,udp_reordered,tcp_retransmits,reconnects,outcome,failure_reason")
        #expect(lines.count == 2)
        #expect(lines.last == #"2025-12-01T09:54:05.123456789Z,2025-12-01T09:54:07.000000001Z,1.876543212,UDP,fd00::1,40001,10.96.0.10,8080,6400,6336,100,99,"net,test","gen ""0""",generator,42,123457,9000001,1,2,3,,4,failed,timeout"#)
    }

    @Test func jsonIsOneArrayWithSnakeCaseKeysAndNanosecondTimes() throws {
        let (text, _) = try roundTrip(.json, [Self.full, Self.sparse])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["time_flow_start"] as? String == "2025-12-01T09:54:05.123456789Z")
        #expect(array[0]["duration_ns"] as? Int == 1_876_543_212)
        #expect(array[0]["src_addr"] as? String == "fd00::1" && array[0]["proto"] as? String == "UDP")
        #expect(array[0]["agent"] as? String == "gen \"0\"")
        #expect(array[1]["src_messages"] is NSNull && array[1]["outcome"] as? String == "completed")
        // An empty log is still a JSON array.
        var empty = FlowLogEncoder(format: .json)
        #expect(String(decoding: empty.finish(), as: UTF8.self) == "[]\n")
    }

    @Test func markedLinesStandApartFromLogLinesAndSummaries() throws {
        var encoder = FlowLogEncoder(format: .jsonl, marked: true)
        let record = String(decoding: encoder.encode([Self.full]), as: UTF8.self)
        #expect(record.hasPrefix("{\"flowtest_flow\":{"))
        let mixed = """
            [pod/t-generator-0/agent] {"level":"info","message":"generator starting"}
            [pod/t-generator-0/agent] \(record.dropLast())
            [pod/t-echo-0/agent] 2026-12-01T09:14:05.768012345Z \(record.dropLast())
            [pod/t-generator-0/agent] {"role":"generator","total":{}}
            plain text
            """
        let result = try FlowLogRecordReader.read(mixed, source: "logs")
        #expect(result.records == [Self.full, Self.full])
        #expect(result.skippedLines == 3)
    }

    @Test func aBrokenRecordNamesItsLineAndField() throws {
        let text = "{\"level\":\"info\"}\n{\"flowtest_flow\":{\"role\":\"generator\",\"proto\":\"TCP\"}}\n"
        #expect { try FlowLogRecordReader.read(text, source: "logs.txt") } throws: { error in
            "\(error)" == "logs.txt line 2: field time_flow_start is missing"
        }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000000Z"), (-1, "1969-12-31T23:59:59.999999999Z"),
        (951_782_400_000_000_007, "2000-02-29T00:00:00.000000007Z"), (4_102_444_799_999_999_999, "2099-12-31T23:59:59.999999999Z"),
    ])
    func rfc3339TimesAreExactBothWays(nanoseconds: Int64, text: String) {
        #expect(RFC3339Time.format(nanoseconds) == text)
        #expect(RFC3339Time.parse(text) == nanoseconds)
    }

    @Test func rfc3339ParsesOffsetsAndShortFractions() {
        #expect(RFC3339Time.parse("2026-12-01T10:14:05.5+01:00") == RFC3339Time.parse("2026-12-01T09:14:05.500000000Z"))
        #expect(RFC3339Time.parse("2026-12-01T09:14:05Z") == 1_796_116_445_000_000_000)
        for bad in ["2026-12-01", "2026-12-01T09:14:05", "2026-13-01T09:14:05Z", "2026-12-01T09:14:05.Z", "2026-12-01T09:14:05.1234567890Z"] {
            #expect(RFC3339Time.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func theMedianIsExactForShortFlowsAndTheMaximumAlways() {
        var estimate = RoundTripEstimate()
        #expect(estimate.median == nil)
        for value in [5, 1, 4, 2, 3] as [UInt64] { estimate.record(value) }
        #expect(estimate.median == 3 && estimate.maximum == 5)
        // Past the sample limit the median is estimated: a uniform ramp keeps it near the middle.
        for value in 1...10_000 as ClosedRange<UInt64> { estimate.record(value) }
        #expect(estimate.maximum == 10_000 && estimate.count == 10_005)
        #expect((2_000...8_000).contains(estimate.median ?? 0), "\(String(describing: estimate.median))")
    }

    /// A writer that falls behind drops records and counts every one; nothing is lost silently,
    /// and nothing appended after the end is either.
    @Test func aFullQueueCountsWhatItDrops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlog-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try FlowLogWriter(settings: FlowLogSettings(destination: .file(path), format: .jsonl), capacity: 3)
        for _ in 0..<5 { writer.append(Self.sparse) }
        writer.flush()
        writer.append(Self.sparse)
        writer.finish()
        writer.append(Self.sparse)
        #expect(writer.counts == FlowLogWriter.Counts(written: 4, dropped: 3))
        #expect(try FlowLogRecordReader.read(String(contentsOfFile: path, encoding: .utf8), source: path).records.count == 4)
    }

    @Test func settingsRefuseWhatCannotWork() throws {
        let resolver = SettingResolver(environment: [:])
        #expect(try FlowLogSettings.resolve(FlowLogOptions.parse([]), resolver) == nil)
        #expect(throws: ConfigurationError(setting: "--flow-log-format", value: "csv", expected: "--flow-log FILE or - to go with it")) {
            try FlowLogSettings.resolve(FlowLogOptions.parse(["--flow-log-format", "csv"]), resolver)
        }
        #expect { try FlowLogSettings.resolve(FlowLogOptions.parse(["--flow-log", "-", "--flow-log-format", "csv"]), resolver) } throws: {
            "\($0)".contains("jsonl with --flow-log -")
        }
        #expect { try FlowLogSettings.resolve(FlowLogOptions.parse(["--flow-log", "-", "--flow-log-format", "xml"]), resolver) } throws: {
            "\($0)" == #"invalid value "xml" for --flow-log-format: expected one of jsonl, json, csv"#
        }
        let fromEnvironment = try FlowLogSettings.resolve(
            FlowLogOptions.parse([]), SettingResolver(environment: ["FLOWTEST_FLOW_LOG": "/tmp/f.csv", "FLOWTEST_FLOW_LOG_FORMAT": "csv"]))
        #expect(fromEnvironment == FlowLogSettings(destination: .file("/tmp/f.csv"), format: .csv))
        #expect(throws: StartupError.self) { try FlowLogWriter(settings: FlowLogSettings(destination: .file("/nonexistent/dir/flows.csv"), format: .csv)) }
    }
}
