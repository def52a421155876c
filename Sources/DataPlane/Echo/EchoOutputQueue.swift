/// What a connection still has to send once the kernel's send buffer filled: copies of the
/// bytes that did not fit, and filler owed, in order. Made only for a connection whose peer is
/// not keeping up (reading stops until it is empty), so a flowing connection never allocates.
final class EchoOutputQueue {
    enum Piece {
        case bytes([UInt8], sent: Int)
        case filler(Int)
    }

    private(set) var pieces: [Piece] = []

    var isEmpty: Bool { pieces.isEmpty }

    func append(_ bytes: UnsafeRawBufferPointer) {
        pieces.append(.bytes(Array(bytes), sent: 0))
    }

    func appendFiller(_ count: Int) {
        if case .filler(let owed) = pieces.last {
            pieces[pieces.count - 1] = .filler(owed + count)
        } else {
            pieces.append(.filler(count))
        }
    }

    /// Sends what the kernel takes, in order, through `send` (bytes → sent count, 0 when full,
    /// negative on error). Returns the bytes sent, or nil on a send error.
    func drain(_ send: (UnsafeRawBufferPointer) -> Int) -> Int? {
        var total = 0
        while let first = pieces.first {
            switch first {
            case .bytes(let bytes, let sent):
                let written = bytes.withUnsafeBytes { send(UnsafeRawBufferPointer(rebasing: $0[sent...])) }
                if written < 0 { return nil }
                total += written
                if sent + written < bytes.count {
                    pieces[0] = .bytes(bytes, sent: sent + written)
                    return total
                }
            case .filler(let owed):
                let written = send(UnsafeRawBufferPointer(rebasing: SizedWire.filler[..<min(owed, SizedWire.filler.count)]))
                if written < 0 { return nil }
                total += written
                if written < owed {
                    pieces[0] = .filler(owed - written)
                    if written == 0 || written < min(owed, SizedWire.filler.count) { return total }
                    continue
                }
            }
            pieces.removeFirst()
        }
        return total
    }
}
