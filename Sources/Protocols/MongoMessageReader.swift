/// Splits a MongoDB wire protocol stream into whole messages by their 4-byte little-endian
/// length; each message is kept whole (its BSON is read), up to MongoDB's own 48 MB limit.
struct MongoMessageReader: Sendable {
    private(set) var message: [UInt8] = []
    private var length = 0
    /// The last call returned a whole message: the next one starts another.
    private var delivered = false

    /// Reads from `bytes` at `index` until a message is complete (true; it is in `message`).
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Bool {
        if delivered {
            message.removeAll(keepingCapacity: true)
            delivered = false
        }
        while index < bytes.count {
            if message.count < 4 {
                message.append(bytes[index])
                index += 1
                if message.count == 4 {
                    length = Int(Int32(message[0]) | Int32(message[1]) << 8 | Int32(message[2]) << 16 | Int32(message[3]) << 24)
                    guard length >= 21, length <= MongoMessage.largest else {
                        throw ProtocolError(.mongodb, "message length \(length): expected 21...\(MongoMessage.largest)")
                    }
                }
                continue
            }
            let taken = min(length - message.count, bytes.count - index)
            message.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + taken]))
            index += taken
            if message.count == length {
                delivered = true
                return true
            }
        }
        return false
    }
}
