import FlowTestShared

extension FakeBuiltinValidation {
    /// `ValidateLeaseSpec`: every field is optional; a duration must be positive, transitions not
    /// negative, and a preferred holder needs a strategy.
    static func lease(_ lease: JSONValue) -> [FakeFieldError] {
        let spec = lease["spec"] ?? .object([:])
        var errors: [FakeFieldError] = []
        if let duration = spec["leaseDurationSeconds"]?.number, duration <= 0 {
            errors.append(.invalid("spec.leaseDurationSeconds", .integer(Int64(duration)), "must be greater than 0"))
        }
        if let transitions = spec["leaseTransitions"]?.number, transitions < 0 {
            errors.append(.invalid("spec.leaseTransitions", .integer(Int64(transitions)), "must be greater than or equal to 0"))
        }
        if !(spec["preferredHolder"]?.string ?? "").isEmpty, (spec["strategy"]?.string ?? "").isEmpty {
            errors.append(.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"))
        }
        return errors
    }
}
