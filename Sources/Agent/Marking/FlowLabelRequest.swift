import NIOCore

/// `struct in6_flowlabel_req` of linux/in6.h (32 bytes), which Glibc does not export: the request
/// to lease a flow label for a socket with `IPV6_FLOWLABEL_MGR`.
struct FlowLabelRequest: Sendable {
    /// `flr_dst`: the destination the label is for.
    var destination: (UInt64, UInt64) = (0, 0)
    /// `flr_label`, in network byte order.
    var label: UInt32
    var action: UInt8 = FlowLabelRequest.actionGet
    var share: UInt8 = FlowLabelRequest.shareAny
    var flags: UInt16 = FlowLabelRequest.flagCreate
    var expires: UInt16 = 0
    var linger: UInt16 = 0
    var padding: UInt32 = 0

    static let actionGet: UInt8 = 0  // IPV6_FL_A_GET
    static let flagCreate: UInt16 = 1  // IPV6_FL_F_CREATE
    /// `IPV6_FL_S_ANY`. A SciTag leaves only 5 random bits, so a run's flows share labels: with
    /// `IPV6_FL_S_EXCL` the 33rd concurrent flow would be refused (EPERM), and with
    /// `IPV6_FL_S_PROCESS` two generators in one network namespace would refuse each other.
    static let shareAny: UInt8 = 255

    init(label: UInt32, destination: SocketAddress) {
        self.label = label.bigEndian
        if case .v6(let address) = destination {
            withUnsafeBytes(of: address.address.sin6_addr) { bytes in
                withUnsafeMutableBytes(of: &self.destination) { $0.copyMemory(from: bytes) }
            }
        }
    }
}
