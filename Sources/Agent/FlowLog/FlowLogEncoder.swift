/// Turns flow records into the bytes of one format, a batch at a time, so that a file written in
/// batches is the same as one written at once: the JSON array's brackets and commas and the CSV
/// header come out exactly once.
///
/// Bytes are appended digit by digit, with no `String` per field: the writer formats every flow
/// of the run, thousands a second, on a machine whose cores the flows need too.
struct FlowLogEncoder: Sendable {
    /// The key that marks a flow record among log lines on stdout: `{"flowtest_flow":{...}}`.
    static let markerKey = "flowtest_flow"
    private static let marker = Array("{\"\(markerKey)\":".utf8)
    private static let null = Array("null".utf8)

    let format: FlowLogFormat
    /// JSON Lines only: wrap each record under `markerKey`.
    let marked: Bool
    private var started = false
    private var recordsSoFar = 0

    init(format: FlowLogFormat, marked: Bool = false) {
        self.format = format
        self.marked = marked && format == .jsonl
    }

    /// The bytes of `records`, preceded by the format's opening the first time.
    mutating func encode(_ records: some Sequence<FlowLogRecord>) -> [UInt8] {
        var bytes = opening()
        bytes.reserveCapacity(bytes.count + records.underestimatedCount * 560)
        for record in records {
            switch format {
            case .jsonl:
                if marked { bytes += Self.marker }
                Self.appendJSONObject(record, to: &bytes)
                if marked { bytes.append(UInt8(ascii: "}")) }
            case .json:
                bytes += recordsSoFar == 0 ? [UInt8(ascii: "\n")] : [UInt8(ascii: ","), UInt8(ascii: "\n")]
                Self.appendJSONObject(record, to: &bytes)
            case .csv:
                Self.appendCSVRow(record, to: &bytes)
            }
            if format != .json { bytes.append(UInt8(ascii: "\n")) }
            recordsSoFar += 1
        }
        return bytes
    }

    /// What ends the output: the JSON array's closing bracket (and its opening if nothing came).
    mutating func finish() -> [UInt8] {
        let bytes = opening()
        guard format == .json else { return bytes }
        return bytes + Array((recordsSoFar == 0 ? "]\n" : "\n]\n").utf8)
    }

    private mutating func opening() -> [UInt8] {
        guard !started else { return [] }
        started = true
        switch format {
        case .jsonl: return []
        case .json: return [UInt8(ascii: "[")]
        case .csv: return Array((FlowLogRecordColumn.csv.compactMap(\.csv).joined(separator: ",") + "\n").utf8)
        }
    }

    /// One record as a JSON object on one line, keys in column order.
    static func appendJSONObject(_ record: FlowLogRecord, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, column) in FlowLogRecordColumn.json.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += FlowLogRecordColumn.jsonKeys[index]
            switch column.read(record) {
            case .text(let value): appendJSONString(value, to: &bytes)
            case .time(let nanoseconds):
                bytes.append(UInt8(ascii: "\""))
                RFC3339Time.append(nanoseconds, to: &bytes)
                bytes.append(UInt8(ascii: "\""))
            case .null: bytes += Self.null
            case let value: appendPlain(value, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// One record as a CSV line, without its newline (RFC 4180 quoting where a field needs it;
    /// empty for null).
    static func appendCSVRow(_ record: FlowLogRecord, to bytes: inout [UInt8]) {
        for (index, column) in FlowLogRecordColumn.csv.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            switch column.read(record) {
            case .text(let value): appendCSVField(value, to: &bytes)
            case .time(let nanoseconds): RFC3339Time.append(nanoseconds, to: &bytes)
            case let value: appendPlain(value, to: &bytes)
            }
        }
    }

    /// Numbers and durations, which both formats spell alike, and CSV's null (an empty field).
    private static func appendPlain(_ value: FlowLogRecordColumn.Value, to bytes: inout [UInt8]) {
        switch value {
        case .unsigned(let number): appendDecimal(number, to: &bytes)
        case .signed(let number):
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(number.magnitude, to: &bytes)
        case .seconds(let nanoseconds):
            appendDecimal(UInt64(nanoseconds / 1_000_000_000), to: &bytes)
            bytes.append(UInt8(ascii: "."))
            RFC3339Time.appendDigits(nanoseconds % 1_000_000_000, 9, to: &bytes)
        case .null: break
        case .text, .time: preconditionFailure("spelt by the format")
        }
    }

    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        guard value >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(value)) }
        appendDecimal(value / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// `value` as a JSON string, escaped.
    static func appendJSONString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes += [hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private static func appendCSVField(_ value: String, to bytes: inout [UInt8]) {
        let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard needsQuotes else { return bytes += value.utf8 }
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
