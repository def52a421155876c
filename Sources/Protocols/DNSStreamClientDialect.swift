/// DNS over TCP, for a `dns` pattern given `protocol: tcp` or answers too large for a datagram:
/// queries with the 2-byte length before each, answers matched by their ID.
struct DNSStreamClientDialect: ClientDialect {
    private let name: String
    private let flowID: UInt64
    private var id: UInt16 = 0
    private var framer = DNSStreamFramer()

    init(name: String, flowID: UInt64) {
        (self.name, self.flowID) = (name, flowID)
    }

    func openingStep(into out: inout [UInt8]) -> OpeningStep { .ready }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        id &+= 1
        let lengthAt = out.count
        out += [0, 0]
        DNSMessage.appendQuery(id: id, name: name, size: size - 2, responseSize: responseSize - 2, flowID: flowID, into: &out)
        out.setBigEndian(UInt16(out.count - lengthAt - 2), at: lengthAt)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard framer.gather(bytes, from: &index) else { return false }
        guard index == bytes.count else { throw ProtocolError(.dns, "\(bytes.count - index) bytes after the answer") }
        let answered: Result<UInt16, ProtocolError> = framer.message.withUnsafeBytes { message in
            Result { () throws(ProtocolError) in try DNSMessage.answerID(message) }
        }
        let id = try answered.get()
        guard id == self.id else { throw ProtocolError(.dns, "an answer with ID \(id): expected \(self.id)") }
        return true
    }
}
