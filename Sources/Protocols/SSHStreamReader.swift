/// Reads an SSH stream: the peer's version line first, then binary packets, keeping each
/// packet's first bytes (its message number and FlowTest's sizes) and counting the rest.
struct SSHStreamReader: Sendable {
    /// One packet read: its whole size on the wire and its payload's first bytes.
    struct Packet: Sendable {
        var size: Int
        var payload: [UInt8]
    }

    private var line: [UInt8] = []
    private(set) var sawVersion = false
    /// The version line, once read (without its CRLF).
    private(set) var version: [UInt8] = []
    private var header: [UInt8] = []
    private var kept: [UInt8] = []
    private var left = 0
    private let wire: WireProtocol = .ssh

    /// Reads the version line; true once it is complete. Lines before it that do not start with
    /// "SSH-" are skipped, as RFC 4253 4.2 allows a server to send.
    mutating func readVersion(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Bool {
        while !sawVersion, index < bytes.count {
            line.append(bytes[index])
            index += 1
            guard line.count <= 255 else { throw ProtocolError(wire, "a version line over 255 bytes") }
            guard line.last == 10 else { continue }
            if line.starts(with: "SSH-".utf8) {
                guard line.starts(with: "SSH-2.0-".utf8) || line.starts(with: "SSH-1.99-".utf8) else {
                    throw ProtocolError(wire, "version \(String(decoding: line.prefix(40), as: UTF8.self)): expected SSH-2.0")
                }
                sawVersion = true
                version = Array(line.dropLast(2))
            }
            line.removeAll()
        }
        return sawVersion
    }

    /// Reads from `bytes` at `index` until a packet is complete (returned) or the bytes end.
    mutating func next(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(ProtocolError) -> Packet? {
        while index < bytes.count {
            if header.count < 5 {
                header.append(bytes[index])
                index += 1
                guard header.count == 5 else { continue }
                let length = Int(header.bigEndian(at: 0, as: UInt32.self))
                let padding = Int(header[4])
                guard length >= 5, length + 4 <= SSHPacket.largest, (length + 4) % 8 == 0, padding >= 4, padding < length else {
                    throw ProtocolError(wire, "packet length \(length), padding \(padding): expected a multiple of 8 up to \(SSHPacket.largest) with 4 or more bytes of padding")
                }
                left = length - 1
                kept.removeAll(keepingCapacity: true)
                continue
            }
            let taken = min(left, bytes.count - index)
            let keep = min(taken, max(0, 16 - kept.count))
            kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + keep]))
            index += taken
            left -= taken
            if left == 0 {
                let packet = Packet(size: Int(header.bigEndian(at: 0, as: UInt32.self)) + 4, payload: kept)
                header.removeAll(keepingCapacity: true)
                return packet
            }
        }
        return nil
    }
}
