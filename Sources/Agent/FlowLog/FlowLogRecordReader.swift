import Foundation

/// Reads flow records back from whatever holds them: a flow log in any of its formats, or the
/// mixed output of `kubectl logs` (log lines, summaries and marked records, with or without
/// kubectl's `--prefix` and `--timestamps`).
enum FlowLogRecordReader {
    /// What a read found.
    struct Result {
        var records: [FlowLogRecord] = []
        /// Lines that hold no record (log lines, summaries, blank lines).
        var skippedLines = 0
    }

    /// The records in `text`, read from `source` (named in errors, with the line).
    static func read(_ text: String, source: String) throws(FlowInputError) -> Result {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("[{") || trimmed.hasPrefix("[\n") || trimmed.hasPrefix("[]") {
            return try readArray(text, source: source)
        }
        var result = Result()
        var header: [String]?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if index == 0, line.hasPrefix("ts,") {
                header = line.split(separator: ",").map(String.init)
                continue
            }
            if let header {
                if line.isEmpty { continue }
                guard let fields = CSVLine.fields(line) else {
                    throw FlowInputError(source: source, line: index + 1, problem: "a quote is not closed")
                }
                do { result.records.append(try FlowLogRecord(csv: fields, header: header)) } catch {
                    throw FlowInputError(source: source, line: index + 1, problem: error.description)
                }
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = jsonObject(in: line), let record = object[FlowLogEncoder.markerKey] ?? bareRecord(object) else {
                result.skippedLines += 1
                continue
            }
            guard let fields = record as? [String: Any] else {
                throw FlowInputError(source: source, line: index + 1, problem: "\(FlowLogEncoder.markerKey) is not a JSON object")
            }
            do { result.records.append(try FlowLogRecord(json: fields)) } catch {
                throw FlowInputError(source: source, line: index + 1, problem: error.description)
            }
        }
        return result
    }

    /// A JSON array of records, as `--flow-log-format json` writes it.
    private static func readArray(_ text: String, source: String) throws(FlowInputError) -> Result {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            throw FlowInputError(source: source, line: nil, problem: "starts like a JSON array but is not valid JSON")
        }
        var result = Result()
        for (index, element) in array.enumerated() {
            guard let object = element as? [String: Any] else {
                throw FlowInputError(source: source, line: nil, problem: "element \(index) is not a JSON object")
            }
            do { result.records.append(try FlowLogRecord(json: (object[FlowLogEncoder.markerKey] as? [String: Any]) ?? object)) } catch {
                throw FlowInputError(source: source, line: nil, problem: "element \(index): \(error.description)")
            }
        }
        return result
    }

    /// An unmarked record, as a flow log file holds them: it has the record's time keys.
    private static func bareRecord(_ object: [String: Any]) -> Any? {
        object["time_flow_start"] != nil && object["role"] != nil ? object : nil
    }

    /// The JSON object on `line`, after any `[pod/name/container] ` prefix and timestamp that
    /// kubectl adds; nil when the line holds none.
    static func jsonObject(in line: Substring) -> [String: Any]? {
        guard let brace = line.firstIndex(of: "{") else { return nil }
        let prefix = line[..<brace]
        // Only kubectl's prefixes may come first: a bracketed source and an RFC 3339 time.
        let words = prefix.split(separator: " ")
        guard words.allSatisfy({ ($0.hasPrefix("[") && $0.hasSuffix("]")) || RFC3339Time.parse(String($0)) != nil }) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(line[brace...].utf8)) as? [String: Any]
    }
}
