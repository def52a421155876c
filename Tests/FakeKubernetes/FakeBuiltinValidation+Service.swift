import FlowTestShared

extension FakeBuiltinValidation {
    /// `ValidateService`: ports (required unless headless or ExternalName; named when there are
    /// several, names unique DNS labels; numbers 1-65535; protocol; target port; no repeated
    /// port/protocol pair), cluster IPs, selector labels, session affinity and type.
    static func service(_ service: JSONValue) -> [FakeFieldError] {
        let spec = service["spec"] ?? .object([:])
        let ports = spec["ports"]?.array ?? []
        let type = spec["type"]?.string ?? ""
        var errors: [FakeFieldError] = []
        if ports.isEmpty, spec["clusterIP"]?.string != "None", type != "ExternalName" { errors.append(.required("spec.ports")) }
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let path = "spec.ports[\(index)]"
            let name = port["name"]?.string ?? ""
            if ports.count > 1, name.isEmpty {
                errors.append(.required("\(path).name"))
            } else if !name.isEmpty {
                errors += FakeNameRules.isDNS1123Label(name).map { .invalid("\(path).name", .string(name), $0) }
                if !names.insert(name).inserted { errors.append(.duplicate("\(path).name", .string(name))) }
            }
            let number = Int64(port["port"]?.number ?? 0)
            errors += FakeNameRules.isValidPortNumber(number).map { .invalid("\(path).port", .integer(number), $0) }
            errors += protocolErrors(port["protocol"], path: "\(path).protocol")
            errors += portNumberOrName(port["targetPort"], path: "\(path).targetPort")
        }
        errors += clusterIPs(spec)
        errors += labels(spec["selector"], path: "spec.selector")
        errors += choice(spec["sessionAffinity"], "spec.sessionAffinity", ["ClientIP", "None"])
        errors += choice(spec["type"], "spec.type", ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"])
        // `validateServiceIPFamily`: the policy and each family from their sets (sorted, as
        // sets.List prints them), no family twice.
        if let policy = spec["ipFamilyPolicy"], policy != .null {
            errors += choice(policy, "spec.ipFamilyPolicy", ["PreferDualStack", "RequireDualStack", "SingleStack"])
        }
        var families = Set<String>()
        for (index, family) in (spec["ipFamilies"]?.array ?? []).enumerated() {
            let path = "spec.ipFamilies[\(index)]"
            if !["IPv4", "IPv6"].contains(family.string ?? "") {
                errors.append(.notSupported(path, family, ["IPv4", "IPv6"]))
            } else if !families.insert(family.string!).inserted {
                errors.append(.duplicate(path, family))
            }
        }
        var pairs = Set<String>()
        for (index, port) in ports.enumerated() {
            let number = Int64(port["port"]?.number ?? 0)
            let proto = port["protocol"]?.string ?? ""
            if !pairs.insert("\(proto)/\(number)").inserted {
                // Go prints the key, a ServicePort with only protocol and port set, with %#v.
                errors.append(.duplicate(
                    "spec.ports[\(index)]",
                    goValue: "core.ServicePort{Name:\"\", Protocol:\"\(proto)\", AppProtocol:(*string)(nil), Port:\(number), TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"))
            }
        }
        return errors
    }

    /// `ValidateServiceClusterIPsRelatedFields` and the type checks of `ValidateService`, on the
    /// spec as the strategy's `PrepareForCreate` leaves it: `clusterIPs` defaults to
    /// `[clusterIP]`. A headless Service (`clusterIP: None`) has `None` as its only cluster IP,
    /// and cannot be a NodePort or LoadBalancer Service.
    static func clusterIPs(_ spec: JSONValue) -> [FakeFieldError] {
        guard spec["type"]?.string != "ExternalName" else { return [] }
        let clusterIP = spec["clusterIP"]?.string ?? ""
        let given = spec["clusterIPs"]?.array?.compactMap(\.string) ?? []
        let goList = "[]string{" + given.map { FakeFieldError.quoted($0) }.joined(separator: ", ") + "}"
        var errors: [FakeFieldError] = []
        if !clusterIP.isEmpty, let first = given.first, first != clusterIP {
            errors.append(.invalid("spec.clusterIPs", goValue: goList, "first value must match `clusterIP`"))
        } else if clusterIP.isEmpty, !given.isEmpty {
            errors.append(.invalid("spec.clusterIPs", goValue: goList, "must be empty when `clusterIP` is not specified"))
        }
        let effective = given.isEmpty && !clusterIP.isEmpty ? [clusterIP] : given
        if effective.first == "None", effective.count > 1 {
            errors.append(.invalid("spec.clusterIPs", goValue: goList, "'None' must be the first and only value"))
        }
        if effective == ["None"], let type = spec["type"]?.string, type == "NodePort" || type == "LoadBalancer" {
            errors.append(.invalid("spec.clusterIPs[0]", .string("None"), "may not be set to 'None' for \(type) services"))
        }
        return errors
    }

    /// The cluster-IP allocator's pre-check on create (`initIPFamilyFields`, after validation
    /// passed, before anything is allocated): SingleStack, given or by default, with two families
    /// or two cluster IPs.
    static func serviceAllocation(_ service: JSONValue) -> [FakeFieldError] {
        let spec = service["spec"] ?? .object([:])
        guard spec["type"]?.string != "ExternalName", (spec["ipFamilyPolicy"]?.string ?? "SingleStack") == "SingleStack" else { return [] }
        return ["clusterIPs", "ipFamilies"].filter { spec[$0]?.array?.count == 2 }.map { field in
            .invalid("spec.ipFamilyPolicy", .string("SingleStack"), "must be RequireDualStack or PreferDualStack when multiple '\(field)' are specified")
        }
    }
}
