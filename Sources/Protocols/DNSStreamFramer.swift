/// DNS over TCP's framing (RFC 1035 4.2.2, RFC 7766): each message after a 2-byte length.
/// Gathers one message at a time from pieces of any size.
struct DNSStreamFramer: Sendable {
    private var length: [UInt8] = []
    private(set) var message: [UInt8] = []

    /// Reads from `bytes` at `index` until a message is complete (true; it is in `message`).
    mutating func gather(_ bytes: UnsafeRawBufferPointer, from index: inout Int) -> Bool {
        while index < bytes.count {
            if length.count < 2 {
                length.append(bytes[index])
                index += 1
                if length.count == 2 { message.removeAll(keepingCapacity: true) }
                continue
            }
            let wanted = Int(length.bigEndian(at: 0, as: UInt16.self))
            let taken = min(wanted - message.count, bytes.count - index)
            message.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + taken]))
            index += taken
            if message.count == wanted {
                length.removeAll(keepingCapacity: true)
                return true
            }
        }
        if length.count == 2, length.bigEndian(at: 0, as: UInt16.self) == 0 {
            length.removeAll(keepingCapacity: true)
            return true
        }
        return false
    }
}
