/// A TLS 1.3 client as far as FlowTest goes without a TLS library: a real ClientHello with
/// the FlowTest's server name (SNI), the server's hello flight, then application-data records
/// of the drawn sizes.
///
/// What this exercises: SNI-based routing and policies (Cilium `serverNames`, haproxy
/// `req.ssl_sni`), TLS dissection and DPI, record sizes as real TLS traffic has them. What it
/// does not: key exchange, certificates, encryption, so a real TLS server rejects it after the
/// hello, and a proxy that terminates TLS cannot be tested with it. The first 8 bytes of each
/// request's first record carry its size and the response size asked for (the echo's reading
/// of what, in real TLS, would be ciphertext).
struct TLSClientDialect: ClientDialect {
    private let serverName: String
    private let flowID: UInt64
    private var step = 0
    private var reader = TLSRecordReader()
    private var sawServerHello = false
    /// Bytes of the response still to come; nil before its first record.
    private var responseLeft: Int?

    init(serverName: String, flowID: UInt64) {
        (self.serverName, self.flowID) = (serverName, flowID)
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        step += 1
        if step == 1 {
            out += TLSRecord.clientHello(serverName: serverName, flowID: flowID)
            return .awaitReply
        }
        // The client's side of the handshake's end: change_cipher_spec (middlebox compatibility
        // mode) and its Finished, which TLS 1.3 sends encrypted, as application data.
        TLSRecord.append(TLSRecord.changeCipherSpec, [1], into: &out)
        TLSRecord.appendApplicationData(total: 58, prefix: [], into: &out)
        return .ready
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        var prefix: [UInt8] = []
        prefix.appendBigEndian(UInt32(max(size, 13)))
        prefix.appendBigEndian(UInt32(responseSize))
        TLSRecord.appendApplicationData(total: size, prefix: prefix, into: &out)
        responseLeft = nil
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        var complete = false
        while let record = try reader.next(bytes, from: &index) {
            // The server's encrypted handshake is one record from the echo and several from a
            // real server (EncryptedExtensions, Certificate, CertificateVerify, Finished), sent
            // as one flight: every encrypted record that came with the first belongs to it.
            let flightGoesOn = step == 1 && record.type == TLSRecord.applicationData
            guard !complete || flightGoesOn else { throw ProtocolError(.tls, "a record after the awaited reply's end") }
            if record.type == TLSRecord.alert {
                throw ProtocolError(.tls, "the server sent alert \(record.payload.last.map(String.init) ?? "?"): the echo's or a real TLS server's refusal")
            }
            if step == 1 {
                complete = try serverFlight(record)
            } else {
                complete = try response(record)
            }
        }
        return complete
    }

    /// The server's flight: ServerHello, change_cipher_spec, then its encrypted handshake.
    private mutating func serverFlight(_ record: TLSRecordReader.Record) throws(ProtocolError) -> Bool {
        switch record.type {
        case TLSRecord.handshake where !sawServerHello:
            guard record.payload.first == 2 else { throw ProtocolError(.tls, "handshake type \(record.payload.first ?? 0): expected ServerHello (2)") }
            sawServerHello = true
            return false
        case TLSRecord.changeCipherSpec, TLSRecord.handshake: return false
        default:
            guard sawServerHello else { throw ProtocolError(.tls, "application data before the ServerHello") }
            return true
        }
    }

    private mutating func response(_ record: TLSRecordReader.Record) throws(ProtocolError) -> Bool {
        guard record.type == TLSRecord.applicationData else {
            throw ProtocolError(.tls, "record type \(record.type) in a response: expected application data (23)")
        }
        if responseLeft == nil {
            guard record.payload.count >= 4 else { throw ProtocolError(.tls, "a response record too short to carry its size") }
            responseLeft = Int(record.payload.bigEndian(at: 0, as: UInt32.self))
        }
        responseLeft! -= 5 + record.length
        return responseLeft! <= 0
    }
}
