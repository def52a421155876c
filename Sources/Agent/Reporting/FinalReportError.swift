/// The final report never reached the FlowTest: the figures are only in the process's output.
/// Exit code 3, so a pod that lost its figures shows it in its exit code as well as in its log.
struct FinalReportError: Error, Sendable, CustomStringConvertible {
    var flowTest: String
    var attempts: Int
    var lastError: String

    var description: String {
        "the final report never reached FlowTest \(flowTest) (\(attempts) attempts): \(lastError)"
    }
}
