import Foundation

/// Turns flow records into the text of one format, a batch at a time, so that a file written in
/// batches is the same as one written at once: the JSON array's brackets and commas and the CSV
/// header come out exactly once.
struct FlowLogEncoder: Sendable {
    /// The key that marks a flow record among log lines on stdout: `{"flowtest_flow":{...}}`.
    static let markerKey = "flowtest_flow"

    let format: FlowLogFormat
    /// JSON Lines only: wrap each record under `markerKey`.
    let marked: Bool
    private var started = false
    private var recordsSoFar = 0

    init(format: FlowLogFormat, marked: Bool = false) {
        self.format = format
        self.marked = marked && format == .jsonl
    }

    /// The text of `records`, preceded by the format's opening the first time.
    mutating func encode(_ records: some Sequence<FlowRecord>) -> String {
        var text = opening()
        for record in records {
            switch format {
            case .jsonl: text += marked ? "{\"\(Self.markerKey)\":\(Self.jsonObject(record))}\n" : Self.jsonObject(record) + "\n"
            case .json: text += (recordsSoFar == 0 ? "\n" : ",\n") + Self.jsonObject(record)
            case .csv: text += Self.csvRow(record) + "\n"
            }
            recordsSoFar += 1
        }
        return text
    }

    /// What ends the output: the JSON array's closing bracket (and its opening if nothing came).
    mutating func finish() -> String {
        let text = opening()
        guard format == .json else { return text }
        return text + (recordsSoFar == 0 ? "]\n" : "\n]\n")
    }

    private mutating func opening() -> String {
        guard !started else { return "" }
        started = true
        switch format {
        case .jsonl: return ""
        case .json: return "["
        case .csv: return FlowRecordColumn.csv.compactMap(\.csv).joined(separator: ",") + "\n"
        }
    }

    /// One record as a JSON object on one line, keys in column order.
    static func jsonObject(_ record: FlowRecord) -> String {
        var text = "{"
        for (index, column) in FlowRecordColumn.json.enumerated() {
            if index > 0 { text += "," }
            text += "\"\(column.json!)\":"
            switch column.read(record) {
            case .text(let value): text += jsonString(value)
            case .unsigned(let value): text += String(value)
            case .signed(let value): text += String(value)
            case .null: text += "null"
            }
        }
        return text + "}"
    }

    /// One record as a CSV line (RFC 4180 quoting where a field needs it; empty for null).
    static func csvRow(_ record: FlowRecord) -> String {
        FlowRecordColumn.csv.map { column in
            switch column.read(record) {
            case .text(let value): csvField(value)
            case .unsigned(let value): String(value)
            case .signed(let value): String(value)
            case .null: ""
            }
        }.joined(separator: ",")
    }

    static func jsonString(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
