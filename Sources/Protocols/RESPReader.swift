/// Reads one RESP value (Redis serialization protocol, RESP2 and RESP3's simple types) at a
/// time from pieces of any size, skipping bulk strings' contents rather than keeping them.
///
/// The server side keeps the first bytes of a command's first arguments (`captured`), which is
/// all it needs: the command's name and FlowTest's key.
struct RESPReader: Sendable {
    /// Bulk strings longer than this are refused, as redis-server's proto-max-bulk-len does.
    static let largestBulk = 536_870_912
    /// The longest line (a simple string, an error, a length): far above any real one.
    static let longestLine = 65_536

    private var line: [UInt8] = []
    /// Contents of the bulk string being read plus its CRLF, still to come; 0 when in a line.
    private var bulkLeft = 0
    /// Elements still to come in each array being read, outermost first.
    private var open: [Int] = []
    /// The first line of the value (its type and length, or an error's text).
    private(set) var firstLine: [UInt8] = []
    /// The first bytes of the top-level array's first three bulk strings, when capturing.
    private(set) var captured: [[UInt8]] = []
    private let capturing: Bool

    init(capturing: Bool = false) {
        self.capturing = capturing
    }

    /// Reads from `bytes` at `index` until a whole value is read (true) or the bytes end.
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Bool {
        while index < bytes.count {
            if bulkLeft > 0 {
                let taken = min(bulkLeft, bytes.count - index)
                if capturing, open.count == 1, captured.count <= 3, let last = captured.indices.last, captured[last].count < 64 {
                    let kept = min(taken, 64 - captured[last].count, max(0, bulkLeft - 2))
                    captured[last].append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + kept]))
                }
                index += taken
                bulkLeft -= taken
                if bulkLeft == 0, finishScalar() { return true }
                continue
            }
            line.append(bytes[index])
            index += 1
            if line.count > Self.longestLine { throw ProtocolError(.redis, "a line over \(Self.longestLine) bytes") }
            guard line.count >= 2, line[line.count - 1] == 10 else { continue }
            guard line[line.count - 2] == 13 else { throw ProtocolError(.redis, "a line ended by LF alone: expected CRLF") }
            line.removeLast(2)
            defer { line.removeAll(keepingCapacity: true) }
            if try takeLine() { return true }
        }
        return false
    }

    /// Takes a complete header line; true when it completes the whole value.
    private mutating func takeLine() throws(ProtocolError) -> Bool {
        guard let type = line.first else { throw ProtocolError(.redis, "an empty line: expected a RESP type byte") }
        if open.isEmpty {
            firstLine = line
            captured.removeAll()
        }
        let text = String(decoding: line.dropFirst(), as: UTF8.self)
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "#"):
            return finishScalar()
        case UInt8(ascii: "$"):
            guard let length = Int(text), length >= -1, length <= Self.largestBulk else {
                throw ProtocolError(.redis, "bulk length \"\(text.prefix(20))\": expected -1...\(Self.largestBulk)")
            }
            if length == -1 { return finishScalar() }
            if capturing, open.count == 1 { captured.append([]) }
            bulkLeft = length + 2
            return false
        case UInt8(ascii: "*"):
            guard let count = Int(text), count >= -1, count <= 1_048_576 else {
                throw ProtocolError(.redis, "array length \"\(text.prefix(20))\": expected -1...1048576")
            }
            if count <= 0 { return finishScalar() }
            guard open.count < 32 else { throw ProtocolError(.redis, "arrays nested over 32 deep") }
            open.append(count)
            return false
        default:
            throw ProtocolError(.redis, "type byte \"\(Unicode.Scalar(type).escaped(asASCII: true))\": expected one of + - : $ *")
        }
    }

    /// Counts a finished element in the arrays it closes; true when the whole value is read.
    private mutating func finishScalar() -> Bool {
        while let last = open.indices.last {
            open[last] -= 1
            guard open[last] == 0 else { return false }
            open.removeLast()
        }
        return true
    }
}
