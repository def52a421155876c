/// One point of InfluxDB line protocol:
/// `measurement,tag=value field=1i,other=2.5 1733058000000000000`.
///
/// Escaping follows the line-protocol reference exactly: measurement names escape commas and
/// spaces; tag keys, tag values and field keys escape commas, equals signs and spaces; string
/// field values are quoted and escape double quotes and backslashes. Tags are written sorted by
/// key, as InfluxDB recommends for write performance.
struct LinePoint: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case integer(Int64)
        case float(Double)
        case string(String)
        case boolean(Bool)
    }

    var measurement: String
    var tags: [String: String]
    var fields: [(key: String, value: Value)]
    /// Nanoseconds since the Unix epoch.
    var time: Int64

    static func == (left: LinePoint, right: LinePoint) -> Bool {
        left.line == right.line
    }

    /// The point as one line, without the newline.
    var line: String {
        var text = Self.escape(measurement, [",", " "])
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            // An empty tag value is not allowed in line protocol: such a tag is left out.
            text += "," + Self.escape(key, [",", "=", " "]) + "=" + Self.escape(value, [",", "=", " "])
        }
        text += " "
        text += fields.map { Self.escape($0.key, [",", "=", " "]) + "=" + Self.render($0.value) }.joined(separator: ",")
        text += " \(time)"
        return text
    }

    private static func render(_ value: Value) -> String {
        switch value {
        case .integer(let number): "\(number)i"
        // Line protocol has no NaN or infinity: those are written as 0, never as text it rejects.
        case .float(let number): number.isFinite ? "\(number)" : "0"
        case .boolean(let flag): flag ? "true" : "false"
        case .string(let text): "\"" + escape(text, ["\\", "\""]) + "\""
        }
    }

    private static func escape(_ text: String, _ special: Set<Character>) -> String {
        guard text.contains(where: { special.contains($0) || $0 == "\n" }) else { return text }
        var escaped = ""
        for character in text {
            // A newline ends a point: it cannot be escaped, so it becomes a space (escaped).
            if character == "\n" {
                escaped += special.contains(" ") ? "\\ " : " "
                continue
            }
            if special.contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
