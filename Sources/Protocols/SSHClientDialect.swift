/// SSH as far as FlowTest goes without a crypto library: the version exchange and KEXINIT both
/// ways (what DPI and tshark identify SSH by), then SSH_MSG_IGNORE packets of the drawn sizes.
///
/// No keys are agreed, so a real sshd disconnects after the KEXINITs; the echo answers each
/// IGNORE packet with IGNORE packets of the size the first 8 bytes of its data ask for. Sizes
/// are whole packets: a multiple of 8 bytes, at least 24.
struct SSHClientDialect: ClientDialect {
    private var reader = SSHStreamReader()
    private var opened = false
    private var sawKexInit = false
    /// Bytes of the response still to come; nil before its first packet.
    private var responseLeft: Int?
    private let flowID: UInt64

    init(flowID: UInt64) {
        self.flowID = flowID
    }

    mutating func openingStep(into out: inout [UInt8]) -> OpeningStep {
        guard !opened else { return .ready }
        opened = true
        out.append(ascii: SSHPacket.clientVersion(flowID: flowID))
        SSHPacket.appendKexInit(into: &out)
        return .awaitReply
    }

    mutating func appendRequest(size: Int, responseSize: Int, into out: inout [UInt8]) {
        let total = max(24, (size + 7) / 8 * 8)
        var prefix: [UInt8] = []
        prefix.appendBigEndian(UInt32(total))
        prefix.appendBigEndian(UInt32(responseSize))
        SSHPacket.appendIgnore(total: total, prefix: prefix, into: &out)
        responseLeft = nil
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> Bool {
        var index = 0
        guard try reader.readVersion(bytes, from: &index) else { return false }
        var complete = false
        while let packet = try reader.next(bytes, from: &index) {
            guard !complete else { throw ProtocolError(.ssh, "a packet after the awaited reply's end") }
            switch packet.payload.first {
            case SSHPacket.disconnect:
                throw ProtocolError(.ssh, "the server disconnected (reason \(packet.payload.count >= 5 ? packet.payload.bigEndian(at: 1, as: UInt32.self) : 0))")
            case SSHPacket.kexInit where !sawKexInit:
                sawKexInit = true
                complete = true
            case SSHPacket.ignore where sawKexInit:
                if responseLeft == nil {
                    guard packet.payload.count >= 9 else { throw ProtocolError(.ssh, "a response packet too short to carry its size") }
                    responseLeft = Int(packet.payload.bigEndian(at: 5, as: UInt32.self))
                }
                responseLeft! -= packet.size
                complete = responseLeft! <= 0
            default:
                throw ProtocolError(.ssh, "message \(packet.payload.first ?? 0): expected \(sawKexInit ? "IGNORE (2)" : "KEXINIT (20)")")
            }
        }
        return complete
    }
}
