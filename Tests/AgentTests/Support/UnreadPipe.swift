import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pipe for a child's stdout and stderr that nobody reads: the parent of
/// `flowtest-agent run x.yaml 2>&1 | tee log` killed while `tee` is stopped, or a parent that
/// holds the pipe and no longer reads it.
///
/// It holds one page (4 KiB, not Linux's 64 KiB), most of it filled before the child starts, so
/// the child's own lines fill the rest within seconds of its start, not minutes.
final class UnreadPipe: Sendable {
    static let capacity = 4096
    let readDescriptor: Int32
    let writeEnd: FileHandle

    enum Failure: Error { case system(String, Int32) }

    /// A pipe with `room` bytes left free.
    init(room: Int) throws {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw Failure.system("pipe", errno) }
        // F_SETPIPE_SZ (1031): Glibc's module leaves it out, as it needs _GNU_SOURCE.
        guard fcntl(descriptors[1], 1031, Int32(Self.capacity)) == Int32(Self.capacity) else { throw Failure.system("F_SETPIPE_SZ", errno) }
        let filler = [UInt8](repeating: UInt8(ascii: "."), count: Self.capacity - room)
        guard write(descriptors[1], filler, filler.count) == filler.count else { throw Failure.system("write", errno) }
        readDescriptor = descriptors[0]
        writeEnd = FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: false)
    }

    /// Bytes waiting in the pipe for a reader.
    var buffered: Int {
        var count: Int32 = 0
        _ = ioctl(readDescriptor, UInt(FIONREAD), &count)
        return Int(count)
    }

    /// Leaves the write end to the child alone, once it has started.
    func closeWriteEnd() {
        close(writeEnd.fileDescriptor)
    }

    func closeReadEnd() {
        close(readDescriptor)
    }
}
