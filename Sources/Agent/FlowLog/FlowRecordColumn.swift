import FlowTestShared

/// One field of a flow record, as every format names and writes it: the one table that the
/// JSON, JSON Lines and CSV writers and readers share, so the formats can never disagree.
struct FlowRecordColumn: Sendable {
    /// A field's value, before a format spells it.
    enum Value: Equatable, Sendable {
        case text(String)
        case unsigned(UInt64)
        case signed(Int64)
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
    let read: @Sendable (FlowRecord) -> Value
    /// Sets the field from a value read back; false if the value does not fit. Nil for a column
    /// derived from others (the duration).
    let write: (@Sendable (inout FlowRecord, Value) -> Bool)?

    private init(
        json: String?, csv: String?, kind: Kind, read: @escaping @Sendable (FlowRecord) -> Value,
        write: (@Sendable (inout FlowRecord, Value) -> Bool)?
    ) {
        (self.json, self.csv, self.kind, self.read, self.write) = (json, csv, kind, read, write)
    }

    private static func text(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, String> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .text, read: { .text($0[keyPath: path]) }) { record, value in
            switch value {
            case .text(let text): record[keyPath: path] = text
            // CSV has no null: an empty field is an empty address (a flow that never had one).
            case .null: record[keyPath: path] = ""
            default: return false
            }
            return true
        }
    }

    private static func optionalText(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, String?> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .text, read: { $0[keyPath: path].map(Value.text) ?? .null }) { record, value in
            switch value {
            case .text(let text): record[keyPath: path] = text
            case .null: record[keyPath: path] = nil
            default: return false
            }
            return true
        }
    }

    private static func port(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, Int> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .unsigned, read: { .unsigned(UInt64($0[keyPath: path])) }) { record, value in
            guard case .unsigned(let port) = value, port <= 65535 else { return false }
            record[keyPath: path] = Int(port)
            return true
        }
    }

    private static func counter(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, UInt64> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .unsigned, read: { .unsigned($0[keyPath: path]) }) { record, value in
            guard case .unsigned(let count) = value else { return false }
            record[keyPath: path] = count
            return true
        }
    }

    private static func optionalCounter(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, UInt64?> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .unsigned, read: { $0[keyPath: path].map(Value.unsigned) ?? .null }) { record, value in
            switch value {
            case .unsigned(let count): record[keyPath: path] = count
            case .null: record[keyPath: path] = nil
            default: return false
            }
            return true
        }
    }

    private static func time(_ json: String, _ csv: String, _ path: WritableKeyPath<FlowRecord, Int64> & Sendable) -> Self {
        Self(json: json, csv: csv, kind: .text, read: { .text(RFC3339Time.format($0[keyPath: path])) }) { record, value in
            guard case .text(let text) = value, let nanoseconds = RFC3339Time.parse(text) else { return false }
            record[keyPath: path] = nanoseconds
            return true
        }
    }

    /// Every column, in CSV order: nfdump's first (ts te td pr sa sp da dp ibyt obyt ipkt opkt),
    /// then FlowTest's own.
    static let all: [FlowRecordColumn] = [
        time("time_flow_start", "ts", \.startNanoseconds),
        time("time_flow_end", "te", \.endNanoseconds),
        // nfdump's td is seconds; written with all nine decimals, so it stays exact.
        Self(json: nil, csv: "td", kind: .text, read: { .text(Self.seconds($0.durationNanoseconds)) }, write: nil),
        Self(json: "duration_ns", csv: nil, kind: .signed, read: { .signed($0.durationNanoseconds) }, write: nil),
        Self(json: "proto", csv: "pr", kind: .text, read: { .text($0.transport.rawValue.uppercased()) }) { record, value in
            guard case .text(let text) = value, let transport = Transport(rawValue: text.lowercased()) else { return false }
            record.transport = transport
            return true
        },
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
        Self(json: "role", csv: "role", kind: .text, read: { .text($0.role.rawValue) }) { record, value in
            guard case .text(let text) = value, let role = FlowRecord.Role(rawValue: text) else { return false }
            record.role = role
            return true
        },
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
        Self(json: "failure_reason", csv: "failure_reason", kind: .text, read: { $0.failure.map { .text($0.rawValue) } ?? .null }) {
            record, value in
            switch value {
            case .null: record.failure = nil
            case .text(let text):
                guard let reason = FlowFailureReason(rawValue: text) else { return false }
                record.failure = reason
            default: return false
            }
            return true
        },
    ]

    /// The columns JSON and JSON Lines write, in order.
    static let json = all.filter { $0.json != nil }
    /// The columns CSV writes, in order.
    static let csv = all.filter { $0.csv != nil }

    /// `nanoseconds` as seconds with nine decimals: exact, never rounded.
    static func seconds(_ nanoseconds: Int64) -> String {
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(nanoseconds / 1_000_000_000)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }
}
