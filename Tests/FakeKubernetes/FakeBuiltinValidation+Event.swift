import FlowTestShared

extension FakeBuiltinValidation {
    /// `ValidateEventCreate` for events.k8s.io/v1: the legacy checks every Event passes, then the
    /// strict ones of the new API.
    ///
    /// The server validates the internal (core) Event, so some paths are its field names, not
    /// the v1 ones: `note` is checked as `message`, `regarding` as `involvedObject`,
    /// `deprecatedCount` as `count`. Without an eventTime the legacy part checks only namespaces,
    /// so a missing reportingController is reported only once eventTime is there.
    static func event(_ event: JSONValue) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let namespace = event["metadata"]?["namespace"]?.string ?? ""
        let regardingNamespace = event["regarding"]?["namespace"]?.string ?? ""
        let hasEventTime = !JSONValue.isUnset(event["eventTime"])
        let mismatch = FakeFieldError.invalid("involvedObject.namespace", .string(regardingNamespace), "does not match event.namespace")
        if !hasEventTime {
            if regardingNamespace.isEmpty ? !(namespace.isEmpty || namespace == "default") : namespace != regardingNamespace { errors.append(mismatch) }
        } else {
            if regardingNamespace.isEmpty, namespace != "default", namespace != "kube-system" { errors.append(mismatch) }
            let controller = event["reportingController"]?.string ?? ""
            if controller.isEmpty { errors.append(.required("reportingController")) }
            errors += FakeNameRules.isQualifiedName(controller).map { .invalid("reportingController", .string(controller), $0) }
            for (field, path, limit) in [("reportingInstance", "reportingInstance", 128), ("action", "action", 128), ("reason", "reason", 128), ("note", "message", 1024)] {
                let length = event[field]?.string?.utf8.count ?? 0
                if length == 0, field != "note" { errors.append(.required(path)) }
                if length > limit { errors.append(.invalid(path, "", "can have at most \(limit) characters")) }
            }
        }
        errors += FakeNameRules.isDNS1123Subdomain(namespace).map { .invalid("namespace", .string(namespace), $0) }

        errors += metadata(event, .event)
        if let series = event["series"], series != .null {
            if (series["count"]?.number ?? 0) < 2 { errors.append(.invalid("series.count", "", "should be at least 2")) }
            if JSONValue.isUnset(series["lastObservedTime"]) { errors.append(.required("series.lastObservedTime")) }
        }
        if !hasEventTime { errors.append(.required("eventTime")) }
        let type = event["type"]?.string ?? ""
        if type != "Normal", type != "Warning" { errors.append(.invalid("type", "", "has invalid value: \(type)")) }
        for (field, path) in [("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp")] where !JSONValue.isUnset(event[field]) {
            errors.append(.invalid(path, "", "needs to be unset"))
        }
        if (event["deprecatedCount"]?.number ?? 0) != 0 { errors.append(.invalid("count", "", "needs to be unset")) }
        let source = event["deprecatedSource"]
        if !(source?["component"]?.string ?? "").isEmpty || !(source?["host"]?.string ?? "").isEmpty {
            errors.append(.invalid("source", "", "needs to be unset"))
        }
        return errors
    }
}
