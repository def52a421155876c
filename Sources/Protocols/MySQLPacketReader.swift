/// Splits a MySQL client/server protocol stream into packets: a 3-byte little-endian length, a
/// sequence id, the payload. Keeps each payload's first `kept` bytes; a row of megabytes is
/// counted, not kept.
struct MySQLPacketReader: Sendable {
    /// One packet read: its sequence id, payload length and first bytes.
    struct Packet: Sendable {
        var sequence: UInt8
        var length: Int
        var payload: [UInt8]
    }

    private var header: [UInt8] = []
    private var payload: [UInt8] = []
    private var left = 0
    private let kept: Int

    init(kept: Int = 4_096) {
        self.kept = kept
    }

    /// Reads from `bytes` at `index` until a packet is complete (returned) or the bytes end.
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Packet? {
        while index < bytes.count {
            if header.count < 4 {
                header.append(bytes[index])
                index += 1
                guard header.count == 4 else { continue }
                left = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16
                payload.removeAll(keepingCapacity: true)
                guard left > 0 else { throw ProtocolError(.mysql, "an empty packet: expected a payload") }
                continue
            }
            let taken = min(left, bytes.count - index)
            let keep = min(taken, max(0, kept - payload.count))
            payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + keep]))
            index += taken
            left -= taken
            if left == 0 {
                let packet = Packet(sequence: header[3], length: Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16, payload: payload)
                header.removeAll(keepingCapacity: true)
                return packet
            }
        }
        return nil
    }
}
