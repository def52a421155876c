/// The TLS 1.3 records FlowTest writes (RFC 8446): a ClientHello with SNI, the server's
/// ServerHello, change_cipher_spec, application data and alerts.
///
/// No keys are ever agreed: the hellos are well formed (a dissector, an SNI router or a policy
/// reading `serverNames` sees a real TLS 1.3 handshake start), and what follows is application
/// data records of the drawn sizes whose contents are opaque, as encrypted records are.
enum TLSRecord {
    static let handshake: UInt8 = 22
    static let applicationData: UInt8 = 23
    static let changeCipherSpec: UInt8 = 20
    static let alert: UInt8 = 21
    /// The largest TLS 1.3 ciphertext a record may carry (2^14 + 256).
    static let largestPayload = 16_640
    /// What FlowTest puts in each application-data record: at most 2^14 bytes, as a TLS stack would.
    static let chunk = 16_384
    /// After the flow id in a ClientHello's session id: says the id is FlowTest's.
    static let flowMarker: [UInt8] = Array("FTid".utf8)

    /// A record of `type` around `body`.
    static func append(_ type: UInt8, _ body: [UInt8], into out: inout [UInt8], version: UInt16 = 0x0303) {
        out.append(type)
        out.appendBigEndian(version)
        out.appendBigEndian(UInt16(body.count))
        out.append(contentsOf: body)
    }

    /// The ClientHello of a TLS 1.3 client with `serverName` as SNI: x25519 key share, the
    /// three mandatory AEAD suites, ALPN http/1.1.
    static func clientHello(serverName: String, flowID: UInt64) -> [UInt8] {
        var hello: [UInt8] = [0x03, 0x03]
        hello += randomBytes(32)
        // The legacy session id, 32 opaque bytes in TLS 1.3: the flow id, a marker, random bytes.
        hello.append(32)
        hello.appendBigEndian(flowID)
        hello += flowMarker
        hello += randomBytes(20)
        hello += [0x00, 0x06, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03]
        hello += [0x01, 0x00]
        var extensions: [UInt8] = []
        let name = Array(serverName.utf8)
        var sni: [UInt8] = []
        sni.appendBigEndian(UInt16(name.count + 3))
        sni.append(0)
        sni.appendBigEndian(UInt16(name.count))
        sni += name
        appendExtension(0x0000, sni, into: &extensions)
        appendExtension(0x000a, [0x00, 0x04, 0x00, 0x1d, 0x00, 0x17], into: &extensions)
        appendExtension(0x000d, [0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01], into: &extensions)
        appendExtension(0x0010, [0x00, 0x09, 0x08] + Array("http/1.1".utf8), into: &extensions)
        appendExtension(0x002b, [0x02, 0x03, 0x04], into: &extensions)
        appendExtension(0x002d, [0x01, 0x01], into: &extensions)
        appendExtension(0x0033, [0x00, 0x24, 0x00, 0x1d, 0x00, 0x20] + randomBytes(32), into: &extensions)
        hello.appendBigEndian(UInt16(extensions.count))
        hello += extensions
        var record: [UInt8] = []
        append(handshake, handshakeMessage(1, hello), into: &record, version: 0x0301)
        return record
    }

    /// The ServerHello that accepts a ClientHello's TLS 1.3 offer, echoing its session id.
    static func serverHello(sessionID: [UInt8]) -> [UInt8] {
        var hello: [UInt8] = [0x03, 0x03]
        hello += randomBytes(32)
        hello.append(UInt8(sessionID.count))
        hello += sessionID
        hello += [0x13, 0x01, 0x00]
        var extensions: [UInt8] = []
        appendExtension(0x002b, [0x03, 0x04], into: &extensions)
        appendExtension(0x0033, [0x00, 0x1d, 0x00, 0x20] + randomBytes(32), into: &extensions)
        hello.appendBigEndian(UInt16(extensions.count))
        hello += extensions
        return handshakeMessage(2, hello)
    }

    /// A fatal alert (RFC 8446 6.2), what a TLS server sends before closing on bad bytes.
    static func fatalAlert(_ description: UInt8) -> [UInt8] {
        var record: [UInt8] = []
        append(alert, [2, description], into: &record)
        return record
    }

    /// Application data records of `total` bytes in all, headers included, the payload's first
    /// bytes `prefix` (FlowTest's sizes), the rest filler.
    static func appendApplicationData(total: Int, prefix: [UInt8], into out: inout [UInt8]) {
        var left = max(total, 5 + prefix.count)
        var first = true
        while left > 0 {
            let payload = min(chunk, max(1, left - 5))
            out.append(applicationData)
            out.appendBigEndian(UInt16(0x0303))
            out.appendBigEndian(UInt16(payload))
            if first {
                out += prefix
                out.appendFiller(payload - prefix.count)
                first = false
            } else {
                out.appendFiller(payload)
            }
            left -= 5 + payload
        }
    }

    private static func handshakeMessage(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [type, UInt8(body.count >> 16), UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)] + body
    }

    private static func appendExtension(_ type: UInt16, _ data: [UInt8], into out: inout [UInt8]) {
        out.appendBigEndian(type)
        out.appendBigEndian(UInt16(data.count))
        out += data
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
