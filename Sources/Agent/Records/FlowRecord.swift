/// One synthetic flow record: what a flow collector stores for a finished flow.
struct FlowRecord: Sendable, Equatable {
    var startNanoseconds: Int64
    var endNanoseconds: Int64
    var isIPv6: Bool
    /// IPv4 addresses in the low 32 bits.
    var sourceAddress: UInt128
    var destinationAddress: UInt128
    var sourcePort: UInt16
    var destinationPort: UInt16
    /// IANA protocol number.
    var protocolNumber: UInt8
    var tcpFlags: UInt8
    var packets: UInt64
    var bytes: UInt64
    /// Index into `RecordPattern.all`.
    var pattern: Int
}
