import FlowTestShared
import Foundation

extension FlowTestStatus {
    /// Marks a local run stopped by a signal: the figures are partial and there is no verdict.
    mutating func markInterrupted() {
        phase = .running
        completionTime = nil
        let now = FlowTestStatus.timestamp(Date())
        let message = "stopped by a signal before the generators finished; the figures are partial"
        conditions = (conditions ?? []).filter { $0.type == FlowTestCondition.Kind.accepted } + [
            FlowTestCondition(type: FlowTestCondition.Kind.running, status: "False", reason: "Interrupted", message: message, lastTransitionTime: now, observedGeneration: observedGeneration),
            FlowTestCondition(type: FlowTestCondition.Kind.succeeded, status: "Unknown", reason: "Interrupted", message: message, lastTransitionTime: now, observedGeneration: observedGeneration),
        ]
    }
}
