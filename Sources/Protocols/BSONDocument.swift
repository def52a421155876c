/// The little of BSON (bsonspec.org) that MongoDB's OP_MSG needs here: writing documents of
/// strings, numbers and nested documents, and reading a document's top-level fields.
struct BSONDocument: Sendable {
    /// A value FlowTest writes.
    enum Value: Sendable {
        case string(String)
        /// A string of `count` filler letters after `prefix`, without building it first.
        case filler(prefix: String, count: Int)
        case int32(Int32)
        case int64(Int64)
        case double(Double)
        case bool(Bool)
        case document([(String, Value)])
        case array([Value])
    }

    /// Appends the document of `fields`, in order (the command's name first, as MongoDB wants).
    static func append(_ fields: [(String, Value)], into out: inout [UInt8]) {
        let start = out.count
        out += [0, 0, 0, 0]
        for (name, value) in fields { appendElement(name, value, into: &out) }
        out.append(0)
        let length = Int32(out.count - start)
        out.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: start, as: Int32.self) }
    }

    private static func appendElement(_ name: String, _ value: Value, into out: inout [UInt8]) {
        func header(_ type: UInt8) {
            out.append(type)
            out.append(ascii: name)
            out.append(0)
        }
        switch value {
        case .string(let text):
            header(2)
            out.appendLittleEndian(Int32(text.utf8.count + 1))
            out.append(ascii: text)
            out.append(0)
        case .filler(let prefix, let count):
            header(2)
            out.appendLittleEndian(Int32(prefix.utf8.count + count + 1))
            out.append(ascii: prefix)
            out.appendFiller(count)
            out.append(0)
        case .int32(let number):
            header(0x10)
            out.appendLittleEndian(number)
        case .int64(let number):
            header(0x12)
            out.appendLittleEndian(number)
        case .double(let number):
            header(1)
            out.appendLittleEndian(number.bitPattern)
        case .bool(let flag):
            header(8)
            out.append(flag ? 1 : 0)
        case .document(let fields):
            header(3)
            append(fields, into: &out)
        case .array(let values):
            header(4)
            append(values.enumerated().map { (String($0.offset), $0.element) }, into: &out)
        }
    }

    /// The top-level fields of the document at the start of `bytes` that are strings or
    /// numbers (as text), by name; throws for a document whose elements overrun it.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(ProtocolError) -> (size: Int, fields: [String: String]) {
        let base = bytes.startIndex
        guard bytes.count >= 5 else { throw ProtocolError(.mongodb, "a BSON document of \(bytes.count) bytes") }
        let size = Int(UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24)
        guard size >= 5, size <= bytes.count, bytes[base + size - 1] == 0 else {
            throw ProtocolError(.mongodb, "a BSON document of \(size) bytes in \(bytes.count): expected its length and its closing 0")
        }
        var found: [String: String] = [:]
        var index = base + 4
        let end = base + size - 1
        func int32(at offset: Int) -> Int {
            Int(Int32(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24))
        }
        while index < end {
            let type = bytes[index]
            guard let nameEnd = bytes[(index + 1)..<end].firstIndex(of: 0) else { throw ProtocolError(.mongodb, "a BSON field name without its 0") }
            let name = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
            index = nameEnd + 1
            let length: Int
            switch type {
            case 1, 9, 0x11, 0x12: length = 8
            case 2, 0x0D, 0x0E:
                guard index + 4 <= end else { throw ProtocolError(.mongodb, "BSON string \(name) cut short") }
                length = 4 + int32(at: index)
                if type == 2, length >= 5, index + length <= end {
                    found[name] = String(decoding: bytes[(index + 4)..<(index + length - 1)], as: UTF8.self)
                }
            case 3, 4:
                guard index + 4 <= end else { throw ProtocolError(.mongodb, "BSON document \(name) cut short") }
                length = int32(at: index)
            case 5:
                guard index + 4 <= end else { throw ProtocolError(.mongodb, "BSON binary \(name) cut short") }
                length = 5 + int32(at: index)
            case 7: length = 12
            case 8: length = 1
            case 0x10: length = 4
            case 0x13: length = 16
            case 6, 0x0A, 0x7F, 0xFF: length = 0
            default: throw ProtocolError(.mongodb, "BSON type \(type) of field \(name): not one FlowTest reads")
            }
            guard length >= 0, index + length <= end else { throw ProtocolError(.mongodb, "BSON field \(name) overruns its document") }
            if type == 1 { found[name] = String(Double(bitPattern: UInt64(littleEndian: Array(bytes[index..<index + 8]).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))) }
            if type == 0x10 { found[name] = String(int32(at: index)) }
            index += length
        }
        return (size, found)
    }
}
