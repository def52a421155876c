import FlowTestShared

/// One field of a flow record, as every format names and writes it: the one table that the
/// JSON, JSON Lines and CSV writers and readers share, so the formats can never disagree.
struct FlowLogRecordColumn: Sendable {
    /// A field's value, before a format spells it.
    enum Value: Equatable, Sendable {
        case text(String)
        case unsigned(UInt64)
        case signed(Int64)
        /// Nanoseconds since the epoch, spelt RFC 3339 (read back as `text`).
        case time(Int64)
        /// Nanoseconds, spelt as seconds with nine decimals.
        case seconds(Int64)
        case null
    }

    /// What a reader expects to find in the field.
    enum Kind: Sendable {
        case text, unsigned, signed
    }

    /// The snake_case key in JSON; nil for a CSV-only column.
    let json: String?
    /// The CSV header name (nfdump's where it has one); nil for a JSON-only column.
    let csv: String?
    let kind: Kind
    let read: @Sendable (FlowLogRecord) -> Value
    /// Sets the field from a value read back; false if the value does not fit. Nil for a column
    /// derived from others (the duration).
    let write: (@Sendable (inout FlowLogRecord, Value) -> Bool)?

    private init(
        json: String?, csv: String?, kind: Kind, read: @escaping @Sendable (FlowLogRecord) -> Value,
        write: (@Sendable (inout FlowLogRecord, Value) -> Bool)?
    ) {
        (self.json, self.csv, self.kind, self.read, self.write) = (json, csv, kind, read, write)
    }

    /// A column of the field at `path`: `read` spells its value, `parse` takes one back (nil: it
    /// does not fit).
    private static func field<Field>(
        _ json: String, _ csv: String, _ kind: Kind, _ path: WritableKeyPath<FlowLogRecord, Field> & Sendable,
        read: @escaping @Sendable (Field) -> Value, parse: @escaping @Sendable (Value) -> Field?
    ) -> Self {
        Self(json: json, csv: csv, kind: kind, read: { read($0[keyPath: path]) }) { record, value in
            guard let field = parse(value) else { return false }
            record[keyPath: path] = field
            return true
        }
    }

    private static func text(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, String> & Sendable) -> Self {
        field(json, csv, .text, path, read: Value.text) { value in
            switch value {
            case .text(let text): text
            // CSV has no null: an empty field is an empty address (a flow that never had one).
            case .null: ""
            default: nil
            }
        }
    }

    private static func optionalText(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, String?> & Sendable) -> Self {
        field(json, csv, .text, path, read: { $0.map(Value.text) ?? .null }) { value in
            switch value {
            case .text(let text): .some(text)
            case .null: .some(nil)
            default: nil
            }
        }
    }

    private static func port(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, Int> & Sendable) -> Self {
        field(json, csv, .unsigned, path, read: { .unsigned(UInt64($0)) }) { value in
            guard case .unsigned(let port) = value, port <= 65535 else { return nil }
            return Int(port)
        }
    }

    private static func counter(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, UInt64> & Sendable) -> Self {
        field(json, csv, .unsigned, path, read: Value.unsigned) { value in
            guard case .unsigned(let count) = value else { return nil }
            return count
        }
    }

    private static func optionalCounter(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, UInt64?> & Sendable) -> Self {
        field(json, csv, .unsigned, path, read: { $0.map(Value.unsigned) ?? .null }) { value in
            switch value {
            case .unsigned(let count): .some(count)
            case .null: .some(nil)
            default: nil
            }
        }
    }

    private static func time(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, Int64> & Sendable) -> Self {
        field(json, csv, .text, path, read: Value.time) { value in
            guard case .text(let text) = value else { return nil }
            return RFC3339Time.parse(text)
        }
    }

    /// A column of a closed set of names (`proto`, `role`, `failure_reason`).
    private static func name<Field>(
        _ json: String, _ csv: String, _ path: WritableKeyPath<FlowLogRecord, Field> & Sendable, spell: @escaping @Sendable (Field) -> Value,
        parse: @escaping @Sendable (String?) -> Field?
    ) -> Self {
        field(json, csv, .text, path, read: spell) { value in
            switch value {
            case .text(let text): parse(text)
            case .null: parse(nil)
            default: nil
            }
        }
    }

    /// Every column, in CSV order: nfdump's first (ts te td pr sa sp da dp ibyt obyt ipkt opkt),
    /// then FlowTest's own.
    static let all: [FlowLogRecordColumn] = [
        time("time_flow_start", "ts", \.startNanoseconds),
        time("time_flow_end", "te", \.endNanoseconds),
        // nfdump's td is seconds; written with all nine decimals, so it stays exact.
        Self(json: nil, csv: "td", kind: .text, read: { .seconds($0.durationNanoseconds) }, write: nil),
        Self(json: "duration_ns", csv: nil, kind: .signed, read: { .signed($0.durationNanoseconds) }, write: nil),
        name("proto", "pr", \.transport, spell: { .text($0.rawValue.uppercased()) }) { $0.flatMap { Transport(rawValue: $0.lowercased()) } },
        text("src_addr", "sa", \.sourceAddress),
        port("src_port", "sp", \.sourcePort),
        text("dst_addr", "da", \.destinationAddress),
        port("dst_port", "dp", \.destinationPort),
        counter("src_bytes", "ibyt", \.sourceBytes),
        counter("dst_bytes", "obyt", \.destinationBytes),
        optionalCounter("src_messages", "ipkt", \.sourceMessages),
        optionalCounter("dst_messages", "opkt", \.destinationMessages),
        optionalText("flowtest", "flowtest", \.flowTest),
        optionalText("agent", "agent", \.agent),
        name("role", "role", \.role, spell: { .text($0.rawValue) }) { $0.flatMap(FlowLogRecord.Role.init(rawValue:)) },
        optionalCounter("flow_id", "flow_id", \.flowID),
        optionalCounter("rtt_p50_ns", "rtt_p50_ns", \.roundTripMedianNanoseconds),
        optionalCounter("rtt_max_ns", "rtt_max_ns", \.roundTripMaxNanoseconds),
        optionalCounter("udp_lost", "udp_lost", \.udpLost),
        optionalCounter("udp_duplicated", "udp_duplicated", \.udpDuplicated),
        optionalCounter("udp_reordered", "udp_reordered", \.udpReordered),
        optionalCounter("tcp_retransmits", "tcp_retransmits", \.tcpRetransmits),
        optionalCounter("reconnects", "reconnects", \.reconnects),
        // The outcome follows from the failure reason; it is a column of its own for filters.
        Self(json: "outcome", csv: "outcome", kind: .text, read: { .text($0.outcome) }, write: nil),
        name("failure_reason", "failure_reason", \.failure, spell: { $0.map { .text($0.rawValue) } ?? .null }) { text in
            // nil: completed; an unknown reason does not fit.
            guard let text else { return .some(nil) }
            return FlowFailureReason(rawValue: text).map { .some($0) }
        },
    ]

    /// The columns JSON and JSON Lines write, in order.
    static let json = all.filter { $0.json != nil }
    /// The columns CSV writes, in order.
    static let csv = all.filter { $0.csv != nil }
    /// `"key":` of each JSON column, as bytes, spelt once.
    static let jsonKeys = json.map { Array("\"\($0.json!)\":".utf8) }
}
