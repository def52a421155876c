/// The echo's SSH: answers the client's version line with its own at once, its KEXINIT with
/// its own, then each IGNORE packet request with IGNORE packets of the size its data's first
/// 8 bytes ask for.
///
/// A real client's next step, its key exchange message (30 to 49, RFC 4250 4.1.2), gets
/// DISCONNECT "key exchange failed" and the connection ends: valid SSH the echo cannot go on
/// with, not a malformed request. Other messages, and bytes that break SSH's packet framing,
/// get DISCONNECT "protocol error" and count as malformed; all of these close the connection.
struct SSHServerDialect: ServerDialect {
    static let largestResponse = 16_777_216
    private var reader = SSHStreamReader()
    private var sentVersion = false
    private var answeredKexInit = false
    private var requestLeft = 0
    private var responseSize = 0
    var flowID: UInt64? { FlowTag.flowID(in: reader.version) }

    /// Whether a connection's first bytes are an SSH 2 version line's start.
    static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.starts(with: "SSH-2.0-".utf8) || bytes.starts(with: "SSH-1.99-".utf8)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            guard try reader.readVersion(bytes, from: &index) else { return outcome }
            // A server's version goes out as soon as the client's is read: OpenSSH sends its
            // KEXINIT only once it has the server's version, and waited for ever before.
            if !sentVersion {
                sentVersion = true
                out.append(ascii: SSHPacket.version)
            }
            while let packet = try reader.next(bytes, from: &index) {
                switch packet.payload.first {
                case SSHPacket.kexInit where !answeredKexInit:
                    answeredKexInit = true
                    SSHPacket.appendKexInit(into: &out)
                case SSHPacket.ignore where answeredKexInit:
                    if requestLeft <= 0 {
                        guard packet.payload.count >= 13 else { throw ProtocolError(.ssh, "an IGNORE request without its 8 bytes of sizes") }
                        requestLeft = Int(packet.payload.bigEndian(at: 5, as: UInt32.self))
                        responseSize = min(Self.largestResponse, Int(packet.payload.bigEndian(at: 9, as: UInt32.self)))
                    }
                    requestLeft -= packet.size
                    guard requestLeft <= 0 else { continue }
                    var prefix: [UInt8] = []
                    prefix.appendBigEndian(UInt32(max(24, (responseSize + 7) / 8 * 8)))
                    SSHPacket.appendIgnore(total: responseSize, prefix: prefix, into: &out)
                    outcome.answered += 1
                case SSHPacket.disconnect:
                    outcome.finished = true
                    return outcome
                case let number? where answeredKexInit && SSHPacket.keyExchangeMessages.contains(number):
                    SSHPacket.appendDisconnect(reason: 3, "the FlowTest echo does no key exchange", into: &out)
                    outcome.finished = true
                    return outcome
                default:
                    SSHPacket.appendDisconnect(reason: 3, "the FlowTest echo does no key exchange", into: &out)
                    outcome.malformed = ProtocolError(.ssh, "message \(packet.payload.first ?? 0): the echo answers KEXINIT, key exchange and IGNORE only")
                    return outcome
                }
            }
        } catch {
            SSHPacket.appendDisconnect(reason: 2, error.reason, into: &out)
            outcome.malformed = error
        }
        return outcome
    }
}
