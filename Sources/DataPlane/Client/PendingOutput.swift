#if canImport(Glibc)
import Glibc
#endif

/// What a stream socket could not send yet, in order: copied bytes (a header's rest, a
/// protocol's message) and borrowed slices of the run's filler, which lives as long as the run.
/// Empty, it holds no memory: only a flow whose peer stops reading (or a message larger than the
/// socket buffer) ever fills it.
struct PendingOutput {
    private enum Chunk {
        case copied([UInt8], from: Int)
        case borrowed(UnsafeRawBufferPointer)
    }

    private var chunks: [Chunk] = []

    var isEmpty: Bool { chunks.isEmpty }

    mutating func append(copying bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        chunks.append(.copied(Array(bytes), from: 0))
    }

    mutating func append(borrowing bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        chunks.append(.borrowed(bytes))
    }

    mutating func removeAll() {
        chunks = []
    }

    /// Writes as much as the socket takes; returns 0, or the errno of a failed write.
    mutating func write(to descriptor: Int32) -> Int32 {
        while let first = chunks.first {
            let written: Int
            switch first {
            case .copied(let bytes, let start):
                written = bytes.withUnsafeBytes { ClientSocket.sendmsg(descriptor, UnsafeRawBufferPointer(rebasing: $0[start...]), UnsafeRawBufferPointer(start: nil, count: 0)) }
                if written < 0 { return Self.blocked(errno) }
                if start + written < bytes.count {
                    chunks[0] = .copied(bytes, from: start + written)
                    return 0
                }
            case .borrowed(let bytes):
                written = ClientSocket.sendmsg(descriptor, bytes, UnsafeRawBufferPointer(start: nil, count: 0))
                if written < 0 { return Self.blocked(errno) }
                if written < bytes.count {
                    chunks[0] = .borrowed(UnsafeRawBufferPointer(rebasing: bytes[written...]))
                    return 0
                }
            }
            chunks.removeFirst()
        }
        chunks = []
        return 0
    }

    /// A write that would block is no failure: the rest waits for the next writable edge.
    private static func blocked(_ code: Int32) -> Int32 {
        code == EAGAIN || code == EWOULDBLOCK ? 0 : code
    }
}
