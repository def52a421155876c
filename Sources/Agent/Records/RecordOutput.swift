#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A large byte buffer written to a file descriptor whenever it fills: records are formatted
/// straight into it, with no String and no allocation per record.
///
/// Thread safety: used by one task only, the one writing records; not Sendable.
final class RecordOutput {
    private let descriptor: CInt
    private let capacity = 1 << 20
    /// Room that is always left for one record, so formatting never checks bounds per byte.
    static let recordRoom = 512
    let bytes: UnsafeMutablePointer<UInt8>
    var count = 0
    /// Everything written to the descriptor so far.
    private(set) var written: UInt64 = 0

    init(descriptor: CInt) {
        self.descriptor = descriptor
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
    }

    /// Makes room for one more record, writing out what is buffered if needed.
    @inline(__always)
    func reserveRecord() throws(RecordOutputError) {
        if count > capacity - Self.recordRoom { try flush() }
    }

    /// Writes out everything buffered.
    func flush() throws(RecordOutputError) {
        var offset = 0
        while offset < count {
            let result = write(descriptor, bytes + offset, count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                throw RecordOutputError(code: errno)
            }
            offset += result
        }
        written += UInt64(count)
        count = 0
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        bytes[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        (bytes + count).update(from: text.utf8Start, count: length)
        count += length
    }

    @inline(__always)
    func append(_ source: UnsafeBufferPointer<UInt8>) {
        (bytes + count).update(from: source.baseAddress!, count: source.count)
        count += source.count
    }
}
