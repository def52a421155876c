import FlowTestDataPlane
import NIOCore

/// The data plane's socket as a flow's `FlowWire`: a message is one `sendmsg` of the header,
/// built on the stack, and a slice of the run's filler.
extension ClientSocket: FlowWire {
    func send(_ header: FlowHeader?, fillerCount: Int, of environment: FlowEnvironment) {
        withUnsafeTemporaryAllocation(byteCount: FlowHeader.sizedSize, alignment: 8) { head in
            let headerSize = header?.store(into: head) ?? 0
            send(UnsafeRawBufferPointer(rebasing: head[..<headerSize]), UnsafeRawBufferPointer(rebasing: environment.fillerBytes[..<fillerCount]))
        }
    }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    func flush() {}
}
