import FlowTestShared
import Foundation

/// `metav1.Condition` bookkeeping: setting a condition keeps its lastTransitionTime unless its
/// status actually changes, as `meta.SetStatusCondition` does.
struct ConditionList {
    private(set) var conditions: [FlowTestCondition]

    init(_ conditions: [FlowTestCondition]?) {
        self.conditions = conditions ?? []
    }

    mutating func set(_ type: String, _ status: Bool?, reason: String, message: String, generation: Int64?, now: Date = Date()) {
        let text = status.map { $0 ? "True" : "False" } ?? "Unknown"
        let time = FlowTestStatus.timestamp(now)
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            let changed = conditions[index].status != text
            conditions[index].status = text
            conditions[index].reason = reason
            conditions[index].message = message
            conditions[index].observedGeneration = generation
            if changed { conditions[index].lastTransitionTime = time }
        } else {
            conditions.append(FlowTestCondition(type: type, status: text, reason: reason, message: message, lastTransitionTime: time, observedGeneration: generation))
        }
    }
}
