import NIOCore

/// How echo and generator TCP channels size their receive buffers.
enum TCPReceiveAllocator {
    /// Starts small and adapts: NIO keeps each channel's last receive buffer for reuse, so the
    /// default (2 KiB to start) cost every open connection 2 KiB of memory even when idle,
    /// almost half of what a connection cost. Busy flows still grow to 64 KiB reads.
    static let adaptive = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 128, maximum: 65_536)
}
