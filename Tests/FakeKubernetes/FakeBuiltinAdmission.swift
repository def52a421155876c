import FlowTestShared
import Foundation

/// What kube-apiserver adds to a new built-in object once it is valid: its admission plugins
/// (ServiceAccount, DefaultTolerationSeconds, Priority) and the registry's own fields (a pod's
/// `status`, a Service's cluster IP), as fixtures 41 and 45 show them. Clients read these back:
/// a pod is `Pending` until a kubelet says otherwise, and a Service has an address.
enum FakeBuiltinAdmission {
    static func admitting(_ object: JSONValue, kind: FakeBuiltinKind, serviceAccount: JSONValue?) -> JSONValue {
        var object = object
        switch kind {
        case .pod: object = pod(object, serviceAccount: serviceAccount)
        case .service: object = service(object)
        case .event:
            // Zero values the server serializes (fixture 50).
            object = object.defaulting("deprecatedSource", to: .object([:]))
            for key in ["deprecatedFirstTimestamp", "deprecatedLastTimestamp"] where object[key] == nil { object = object.setting(key, .null) }
        case .serviceAccount, .coreEvent, .lease, .role, .roleBinding: break
        }
        return object
    }

    /// The service account a pod runs as: `default` unless it names one.
    static func serviceAccountName(of pod: JSONValue) -> String {
        let name = pod["spec"]?["serviceAccountName"]?.string ?? ""
        return name.isEmpty ? "default" : name
    }

    private static let tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    private static func pod(_ pod: JSONValue, serviceAccount: JSONValue?) -> JSONValue {
        let account = serviceAccountName(of: pod)
        var pod = pod.updating("spec") { spec in
            var spec = spec.setting("serviceAccountName", .string(account)).setting("serviceAccount", .string(account))
            // Priority admission: no priorityClassName means priority 0.
            spec = spec.defaulting("priority", to: 0).defaulting("preemptionPolicy", to: "PreemptLowerPriority")
            // DefaultTolerationSeconds: five minutes on a node that is not ready or unreachable.
            var tolerations = spec["tolerations"]?.array ?? []
            for taint in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
            where !tolerations.contains(where: { $0["key"]?.string == taint || ($0["key"] == nil && $0["operator"]?.string == "Exists") }) {
                tolerations.append(.object(["key": .string(taint), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300]))
            }
            spec = spec.setting("tolerations", .array(tolerations))
            return mountingToken(spec, serviceAccount: serviceAccount)
        }
        pod = pod.setting("status", .object(["phase": "Pending", "qosClass": .string(qosClass(pod))]))
        return pod
    }

    /// ServiceAccount admission: a projected token volume, mounted in every container.
    private static func mountingToken(_ spec: JSONValue, serviceAccount: JSONValue?) -> JSONValue {
        let automount = spec["automountServiceAccountToken"]?.bool ?? serviceAccount?["automountServiceAccountToken"]?.bool ?? true
        guard automount else { return spec }
        let letters = Array("bcdfghjklmnpqrstvwxz2456789")
        let volume = "kube-api-access-" + String((0..<5).map { _ in letters.randomElement()! })
        let source: JSONValue = .object([
            "projected": .object([
                "sources": [
                    .object(["serviceAccountToken": .object(["expirationSeconds": 3607, "path": "token"])]),
                    .object(["configMap": .object(["name": "kube-root-ca.crt", "items": [.object(["key": "ca.crt", "path": "ca.crt"])]])]),
                    .object(["downwardAPI": .object(["items": [.object(["path": "namespace", "fieldRef": .object(["apiVersion": "v1", "fieldPath": "metadata.namespace"])])]])]),
                ],
                "defaultMode": 420,
            ]),
        ])
        let mount: (JSONValue) -> JSONValue = { container in
            let mounts = container["volumeMounts"]?.array ?? []
            guard !mounts.contains(where: { $0["mountPath"]?.string == tokenMountPath }) else { return container }
            return container.setting("volumeMounts", .array(mounts + [.object(["name": .string(volume), "readOnly": true, "mountPath": .string(tokenMountPath)])]))
        }
        return spec.setting("volumes", .array((spec["volumes"]?.array ?? []) + [source.setting("name", .string(volume))]))
            .updatingItems("containers", mount).updatingItems("initContainers", mount)
    }

    /// BestEffort without any request or limit, Guaranteed when every container's cpu and memory
    /// requests equal their limits, Burstable otherwise.
    private static func qosClass(_ pod: JSONValue) -> String {
        let containers = (pod["spec"]?["containers"]?.array ?? []) + (pod["spec"]?["initContainers"]?.array ?? [])
        let resources = containers.map { ($0["resources"]?["requests"]?.fakeMembers ?? [:], $0["resources"]?["limits"]?.fakeMembers ?? [:]) }
        let quantity = { (value: JSONValue?) -> Double? in
            guard let text = value?.string ?? value.map(FakeFieldError.render), case .success(let parsed) = FakeQuantity.parse(text) else { return nil }
            return parsed.value
        }
        let compute = ["cpu", "memory"]
        if resources.allSatisfy({ requests, limits in compute.allSatisfy { requests[$0] == nil && limits[$0] == nil } }) { return "BestEffort" }
        let guaranteed = resources.allSatisfy { requests, limits in
            compute.allSatisfy { name in limits[name] != nil && quantity(requests[name] ?? limits[name]) == quantity(limits[name]) }
        }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    private static func service(_ service: JSONValue) -> JSONValue {
        let service = service.setting("status", .object(["loadBalancer": .object([:])]))
        return service.updating("spec") { spec in
            guard spec["type"]?.string != "ExternalName" else { return spec }
            // A dual-stack cluster, IPv4 first: the allocator hands out addresses from the service
            // ranges (10.96.0.0/12 and fd00:10:96::/112). SingleStack (the default) gets the
            // first requested family or IPv4; the dual-stack policies get both, requested first.
            let policy = spec["ipFamilyPolicy"]?.string ?? "SingleStack"
            var families = spec["ipFamilies"]?.array?.compactMap(\.string) ?? []
            if families.isEmpty { families = ["IPv4"] }
            if policy != "SingleStack", families.count == 1 { families.append(families[0] == "IPv4" ? "IPv6" : "IPv4") }
            if policy == "SingleStack" { families = [families[0]] }
            let addresses: [String] = families.map { family in
                family == "IPv6"
                    ? "fd00:10:96::\(String(Int.random(in: 1...0xffff), radix: 16))"
                    : "10.96.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            }
            let address = spec["clusterIP"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? addresses[0]
            // Headless: nothing is allocated, and `None` is the only cluster IP; the families and
            // policy are defaulted as for any Service with a selector (one without is a special
            // case FlowTest never creates).
            let clusterIPs = address == "None" ? ["None"] : [address] + addresses.dropFirst()
            return spec.setting("clusterIP", .string(address)).defaulting("clusterIPs", to: .array(clusterIPs.map(JSONValue.string)))
                .setting("ipFamilies", .array(families.map(JSONValue.string))).setting("ipFamilyPolicy", .string(policy))
        }
    }
}
