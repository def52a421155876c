/// The echo's side of FlowTest's TLS: answers a ClientHello with a TLS 1.3 ServerHello,
/// change_cipher_spec and an opaque record standing for the encrypted handshake, then each
/// request with application-data records of the size its first 8 bytes ask for.
///
/// Bytes that are not TLS records, or a first record that is not a ClientHello, get a fatal
/// `decode_error` alert and the connection is closed, as a TLS server does.
struct TLSServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = TLSRecordReader()
    private var sawHello = false
    private var sawFinished = false
    /// Bytes of the request being read still to come, and the response it asks for.
    private var requestLeft = 0
    private var responseSize = 0
    private(set) var flowID: UInt64?

    /// Whether a connection's first bytes start a TLS handshake record holding a ClientHello.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 6 && bytes[0] == TLSRecord.handshake && bytes[1] == 3 && bytes[2] <= 3 && bytes[5] == 1
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while let record = try reader.next(bytes, from: &index) {
                if try take(record, into: &out) { outcome.answered += 1 }
            }
        } catch {
            out += TLSRecord.fatalAlert(50)
            outcome.malformed = error
        }
        return outcome
    }

    /// Takes one record; true when it completes a request (whose response is then in `out`).
    private mutating func take(_ record: TLSRecordReader.Record, into out: inout [UInt8]) throws(ProtocolError) -> Bool {
        if !sawHello {
            guard record.type == TLSRecord.handshake, record.payload.first == 1, record.payload.count >= 39 else {
                throw ProtocolError(.tls, "a first record that is not a ClientHello")
            }
            let sessionLength = Int(record.payload[38])
            guard sessionLength <= 32, record.payload.count >= 39 + sessionLength else {
                throw ProtocolError(.tls, "ClientHello session id of \(sessionLength) bytes: expected at most 32")
            }
            sawHello = true
            if sessionLength == 32, Array(record.payload[47..<51]) == TLSRecord.flowMarker { flowID = record.payload.bigEndian(at: 39) }
            TLSRecord.append(TLSRecord.handshake, TLSRecord.serverHello(sessionID: Array(record.payload[39..<39 + sessionLength])), into: &out)
            TLSRecord.append(TLSRecord.changeCipherSpec, [1], into: &out)
            // Where EncryptedExtensions, Certificate, CertificateVerify and Finished would be.
            TLSRecord.appendApplicationData(total: 1_200, prefix: [], into: &out)
            return false
        }
        switch record.type {
        case TLSRecord.changeCipherSpec: return false
        case TLSRecord.alert: return false
        case TLSRecord.applicationData where !sawFinished:
            sawFinished = true
            return false
        case TLSRecord.applicationData:
            if requestLeft <= 0 {
                guard record.payload.count >= 8 else { throw ProtocolError(.tls, "a request record without its 8 bytes of sizes") }
                requestLeft = Int(record.payload.bigEndian(at: 0, as: UInt32.self))
                responseSize = Int(record.payload.bigEndian(at: 4, as: UInt32.self))
                guard responseSize <= Self.largestResponse else {
                    throw ProtocolError(.tls, "response size \(responseSize): expected at most \(Self.largestResponse)")
                }
            }
            requestLeft -= 5 + record.length
            guard requestLeft <= 0 else { return false }
            var prefix: [UInt8] = []
            prefix.appendBigEndian(UInt32(max(responseSize, 9)))
            TLSRecord.appendApplicationData(total: responseSize, prefix: prefix, into: &out)
            return true
        default:
            throw ProtocolError(.tls, "a handshake record after the handshake")
        }
    }
}
