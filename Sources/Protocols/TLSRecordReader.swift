/// Splits a TLS byte stream into records, whatever the pieces it arrives in: keeps a record's
/// header and, for the types whose contents matter (handshake, alert), its payload; skips the
/// payload of application data without keeping it.
struct TLSRecordReader: Sendable {
    /// One record read: its type and, unless application data, its payload.
    struct Record: Sendable {
        var type: UInt8
        var length: Int
        var payload: [UInt8]
    }

    private var header: [UInt8] = []
    private var payload: [UInt8] = []
    private var payloadLeft = 0

    /// Reads from `bytes` at `index` until one record is complete (returned) or the bytes end (nil).
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Record? {
        while index < bytes.count {
            if header.count < 5 {
                header.append(bytes[index])
                index += 1
                guard header.count == 5 else { continue }
                guard [TLSRecord.changeCipherSpec, TLSRecord.alert, TLSRecord.handshake, TLSRecord.applicationData].contains(header[0]),
                    header[1] == 3, header[2] <= 3
                else {
                    throw ProtocolError(.tls, "record header \(header.map { String($0, radix: 16) }): expected a TLS record (types 20-23, version 3.x)")
                }
                payloadLeft = Int(header.bigEndian(at: 3, as: UInt16.self))
                guard payloadLeft > 0, payloadLeft <= TLSRecord.largestPayload else {
                    throw ProtocolError(.tls, "record length \(payloadLeft): expected 1...\(TLSRecord.largestPayload)")
                }
                payload.removeAll(keepingCapacity: true)
            }
            let taken = min(payloadLeft, bytes.count - index)
            if header[0] != TLSRecord.applicationData || payload.count < 8 {
                let kept = header[0] == TLSRecord.applicationData ? min(taken, 8 - payload.count) : taken
                payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + kept]))
            }
            index += taken
            payloadLeft -= taken
            if payloadLeft == 0 {
                let record = Record(type: header[0], length: Int(header.bigEndian(at: 3, as: UInt16.self)), payload: payload)
                header.removeAll(keepingCapacity: true)
                return record
            }
        }
        return nil
    }
}
