import FlowTestShared
import NIOCore
import Testing

@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every socket error a flow can meet lands under the reason that names its cause; in particular
/// the generator's own limits are told apart instead of sharing one `local` bucket.
@Suite("Failure reasons: which error counts as what")
struct FailureClassificationTests {
    @Test(arguments: [
        (ECONNREFUSED, FlowFailureReason.refused), (ECONNRESET, .reset), (EPIPE, .reset), (ECONNABORTED, .reset),
        (ETIMEDOUT, .timeout), (EHOSTUNREACH, .unreachable), (ENETUNREACH, .unreachable),
        (EADDRNOTAVAIL, .sourcePortsExhausted), (EMFILE, .descriptorsExhausted), (ENFILE, .descriptorsExhausted),
        (ENOBUFS, .kernelMemory), (ENOMEM, .kernelMemory), (EINVAL, .other),
    ])
    func errnoValues(code: CInt, reason: FlowFailureReason) {
        #expect(FlowFailureReason(classifying: IOError(errnoCode: code, reason: "connect")) == reason)
    }

    @Test func aConnectThatTimesOutIsAConnectTimeoutWhicheverLayerGaveUp() {
        #expect(FlowFailureReason(classifyingConnectError: ChannelError.connectTimeout(.seconds(5))) == .connectTimeout)
        // The kernel giving up on its SYNs.
        #expect(FlowFailureReason(classifyingConnectError: IOError(errnoCode: ETIMEDOUT, reason: "connect")) == .connectTimeout)
        // Other connect errors keep their own reason.
        #expect(FlowFailureReason(classifyingConnectError: IOError(errnoCode: EADDRNOTAVAIL, reason: "connect")) == .sourcePortsExhausted)
    }

    @Test func reasonsAreDistinctLabelValues() {
        let names = FlowFailureReason.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(!names.contains("local"))
    }
}
