import FlowTestShared
import Foundation

extension FlowLogRecord {
    /// A record with every field empty, for readers to fill in.
    static let blank = FlowLogRecord(
        role: .generator, transport: .tcp, sourceAddress: "", sourcePort: 0, destinationAddress: "", destinationPort: 0,
        startNanoseconds: 0, endNanoseconds: 0)

    /// A record from a JSON object with the flow log's keys; the problem names the key.
    init(json object: [String: Any]) throws(FlowLogRecordFieldError) {
        self = .blank
        for column in FlowLogRecordColumn.json {
            guard let write = column.write, let key = column.json else { continue }
            let value = Self.value(object[key], kind: column.kind)
            guard let value, write(&self, value) else { throw FlowLogRecordFieldError(field: key, value: object[key].flatMap { $0 is NSNull ? nil : "\($0)" }) }
        }
    }

    /// A record from one CSV row, `header` giving each field's column.
    init(csv fields: [String], header: [String]) throws(FlowLogRecordFieldError) {
        self = .blank
        let byName = Dictionary(zip(header, fields), uniquingKeysWith: { first, _ in first })
        for column in FlowLogRecordColumn.csv {
            guard let write = column.write, let name = column.csv else { continue }
            let text = byName[name] ?? ""
            let value: FlowLogRecordColumn.Value? =
                switch column.kind {
                case _ where text.isEmpty: .null
                case .text: .text(text)
                case .unsigned: UInt64(text).map(FlowLogRecordColumn.Value.unsigned)
                case .signed: Int64(text).map(FlowLogRecordColumn.Value.signed)
                }
            guard let value, write(&self, value) else { throw FlowLogRecordFieldError(field: name, value: text.isEmpty ? nil : text) }
        }
    }

    /// A JSON value as a column value of `kind`; nil if it is neither that nor null.
    private static func value(_ json: Any?, kind: FlowLogRecordColumn.Kind) -> FlowLogRecordColumn.Value? {
        guard let json, !(json is NSNull) else { return .null }
        switch kind {
        case .text: return (json as? String).map(FlowLogRecordColumn.Value.text)
        case .unsigned:
            if let value = json as? UInt64 { return .unsigned(value) }
            return (json as? Int).flatMap { $0 >= 0 ? .unsigned(UInt64($0)) : nil }
        case .signed:
            return (json as? Int64).map(FlowLogRecordColumn.Value.signed)
        }
    }
}
