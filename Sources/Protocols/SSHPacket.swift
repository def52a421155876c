/// SSH's binary packets before keys are agreed (RFC 4253 6): length, padding length, payload,
/// random padding, no MAC; whole packets a multiple of 8 bytes.
///
/// FlowTest's exchanges are SSH_MSG_IGNORE packets, which either side may send at any time
/// (RFC 4253 11.2): their data's first bytes carry the sizes, the rest is filler.
enum SSHPacket {
    static let kexInit: UInt8 = 20
    static let ignore: UInt8 = 2
    static let disconnect: UInt8 = 1
    /// The key exchange method's messages (ECDH_INIT is 30), which follow the KEXINITs.
    static let keyExchangeMessages: ClosedRange<UInt8> = 30...49
    /// The largest packet RFC 4253 6.1 requires an implementation to accept.
    static let largest = 35_000
    /// What FlowTest puts in one packet.
    static let chunk = 32_768
    static let version = "SSH-2.0-FlowTest_1.0\r\n"

    /// The client's version line: its comment (after a space, RFC 4253 4.2) names the flow.
    static func clientVersion(flowID: UInt64) -> String {
        "SSH-2.0-FlowTest_1.0 flow=\(flowID)\r\n"
    }

    /// A packet around `payload`, padded with at least 4 bytes to a multiple of 8.
    static func append(_ payload: [UInt8], into out: inout [UInt8]) {
        var padding = 8 - (5 + payload.count) % 8
        if padding < 4 { padding += 8 }
        out.appendBigEndian(UInt32(1 + payload.count + padding))
        out.append(UInt8(padding))
        out += payload
        out += [UInt8](repeating: 0, count: padding)
    }

    /// A KEXINIT offering one common algorithm of each kind.
    static func appendKexInit(into out: inout [UInt8]) {
        var payload: [UInt8] = [kexInit]
        var generator = SystemRandomNumberGenerator()
        payload += (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for list in [
            "curve25519-sha256,ecdh-sha2-nistp256", "ssh-ed25519,ecdsa-sha2-nistp256", "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256",
            "none", "none", "", "",
        ] {
            payload.appendBigEndian(UInt32(list.utf8.count))
            payload.append(ascii: list)
        }
        payload += [0, 0, 0, 0, 0]
        append(payload, into: &out)
    }

    /// IGNORE packets of `total` bytes in all (rounded up to whole packets), the first one's data
    /// starting with `prefix`.
    static func appendIgnore(total: Int, prefix: [UInt8], into out: inout [UInt8]) {
        var left = max(total, 14 + prefix.count)
        var first = true
        while left > 0 {
            // A packet of t bytes (a multiple of 8) with 4 bytes of padding holds t - 14 of data.
            let size = (max(min(chunk, left), 14 + (first ? prefix.count : 0)) + 7) / 8 * 8
            let data = size - 14
            out.appendBigEndian(UInt32(size - 4))
            out.append(4)
            out.append(ignore)
            out.appendBigEndian(UInt32(data))
            if first { out += prefix }
            out.appendFiller(data - (first ? prefix.count : 0))
            out += [0, 0, 0, 0]
            left -= size
            first = false
        }
    }

    /// A DISCONNECT with `reason` (2: protocol error, 3: key exchange failed) and its text.
    static func appendDisconnect(reason: UInt32, _ text: String, into out: inout [UInt8]) {
        var payload: [UInt8] = [disconnect]
        payload.appendBigEndian(reason)
        payload.appendBigEndian(UInt32(text.utf8.count))
        payload.append(ascii: text)
        payload += [0, 0, 0, 0]
        append(payload, into: &out)
    }
}
