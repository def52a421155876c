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
    /// How full the buffer gets before it is written: all of it, or a pipe's capacity when the
    /// descriptor is a pipe. A write larger than the pipe blocks halfway until the reader
    /// drains it, and the rest has gone cold in the cache by then: through `wc -l`, 64 KiB
    /// writes moved a file two to three times faster than 1 MiB ones here.
    private let limit: Int
    /// Room that is always left for one record, so formatting never checks bounds per byte.
    static let recordRoom = 512
    let bytes: UnsafeMutablePointer<UInt8>
    var count = 0
    /// Everything written to the descriptor so far.
    private(set) var written: UInt64 = 0

    init(descriptor: CInt) {
        self.descriptor = descriptor
        bytes = .allocate(capacity: capacity)
        var status = stat()
        let pipeSize = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO ? Int(fcntl(descriptor, Self.getPipeSize)) : 0
        limit = pipeSize >= 4 * Self.recordRoom ? min(capacity, pipeSize) : capacity
    }

    /// F_GETPIPE_SZ (Linux), which the C module does not export.
    private static let getPipeSize: CInt = 1032

    deinit {
        bytes.deallocate()
    }

    /// Makes room for one more record, writing out what is buffered if needed.
    @inline(__always)
    func reserveRecord() throws(RecordOutputError) {
        if count > limit - Self.recordRoom { try flush() }
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
