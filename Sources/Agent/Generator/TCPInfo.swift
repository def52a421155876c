import NIOCore

/// Reads the kernel's TCP statistics of a connection.
enum TCPInfo {
    /// Segments retransmitted over the connection's life (`tcpi_total_retrans`), 0 where the
    /// platform has no TCP_INFO. Must be called on the channel's event loop, before it closes.
    static func totalRetransmits(of channel: any Channel) -> UInt64 {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider, channel.isActive else { return 0 }
        var retransmits: UInt64 = 0
        // On the event loop the option is read synchronously, so the future is already complete.
        provider.getTCPInfo().assumeIsolated().whenSuccess { info in retransmits = UInt64(info.tcpi_total_retrans) }
        return retransmits
        #else
        return 0
        #endif
    }
}
