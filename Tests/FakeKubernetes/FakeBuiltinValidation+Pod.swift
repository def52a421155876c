import FlowTestShared
import Foundation

extension FakeBuiltinValidation {
    /// `ValidatePodSpec` (and the pod-only container checks), for the parts a pod of FlowTest's
    /// uses: volumes, containers, restart and DNS policy, node selector, service account,
    /// deadline, tolerations, affinity and the pod's sysctls. The rest of the security contexts
    /// is not checked.
    static func pod(_ pod: JSONValue) -> [FakeFieldError] {
        let spec = pod["spec"] ?? .object([:])
        let (volumes, volumeErrors) = self.volumes(spec["volumes"]?.array ?? [])
        var errors = volumeErrors
        errors += containers(spec["containers"]?.array ?? [], volumes: volumes, path: "spec.containers", required: true)
        errors += containers(spec["initContainers"]?.array ?? [], volumes: volumes, path: "spec.initContainers", required: false)
        errors += choice(spec["restartPolicy"], "spec.restartPolicy", ["Always", "OnFailure", "Never"])
        errors += choice(spec["dnsPolicy"], "spec.dnsPolicy", ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"])
        errors += labels(spec["nodeSelector"], path: "spec.nodeSelector")
        if let account = spec["serviceAccountName"]?.string, !account.isEmpty {
            errors += FakeNameRules.isDNS1123Subdomain(account).map { .invalid("spec.serviceAccountName", .string(account), $0) }
        }
        if let deadline = spec["activeDeadlineSeconds"]?.number, deadline < 1 || deadline > Double(Int32.max) {
            errors.append(.invalid("spec.activeDeadlineSeconds", .double(deadline), "must be between 1 and 2147483647, inclusive"))
        }
        errors += tolerations(spec["tolerations"]?.array ?? [])
        errors += sysctls(spec)
        errors += affinity(spec)
        for (index, container) in (spec["containers"]?.array ?? []).enumerated() {
            let image = container["image"]?.string ?? ""
            if image != image.trimmingCharacters(in: .whitespacesAndNewlines) {
                errors.append(.invalid("spec.containers[\(index)].image", .string(image), "must not have leading or trailing whitespace"))
            }
        }
        return errors
    }

    /// A required enum: `Required value` when unset, `Unsupported value` when not one of `supported`.
    static func choice(_ value: JSONValue?, _ path: String, _ supported: [String]) -> [FakeFieldError] {
        let text = value?.string ?? ""
        if text.isEmpty { return [.required(path)] }
        return supported.contains(text) ? [] : [.notSupported(path, .string(text), supported)]
    }

    /// `ValidateVolumes`: the valid volumes by name (what mounts may refer to), and the errors.
    private static func volumes(_ volumes: [JSONValue]) -> (Set<String>, [FakeFieldError]) {
        let sourceKeys: Set<String> = [
            "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
            "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
            "ephemeral", "image",
        ]
        var names = Set<String>()
        var errors: [FakeFieldError] = []
        for (index, volume) in volumes.enumerated() {
            let path = "spec.volumes[\(index)]"
            var found: [FakeFieldError] = []
            let sources = volume.fakeMembers.keys.filter { sourceKeys.contains($0) && volume[$0] != .null }.sorted()
            if sources.isEmpty { found.append(.required(path, "must specify a volume type")) }
            for extra in sources.dropFirst() { found.append(.forbidden("\(path).\(extra)", "may not specify more than 1 volume type")) }
            if let configMap = volume["configMap"], configMap != .null {
                if (configMap["name"]?.string ?? "").isEmpty { found.append(.required("\(path).configMap.name")) }
                found += keyToPaths(configMap["items"]?.array ?? [], path: "\(path).configMap.items")
            }
            if let secret = volume["secret"], secret != .null {
                if (secret["secretName"]?.string ?? "").isEmpty { found.append(.required("\(path).secret.secretName")) }
                found += keyToPaths(secret["items"]?.array ?? [], path: "\(path).secret.items")
            }
            let name = volume["name"]?.string ?? ""
            if name.isEmpty {
                found.append(.required("\(path).name"))
            } else {
                found += FakeNameRules.isDNS1123Label(name).map { .invalid("\(path).name", .string(name), $0) }
            }
            if names.contains(name) { found.append(.duplicate("\(path).name", .string(name))) }
            // Only a volume without errors can be mounted (a mount of a broken one is "Not found").
            if found.isEmpty { names.insert(name) }
            errors += found
        }
        return (names, errors)
    }

    private static func keyToPaths(_ items: [JSONValue], path: String) -> [FakeFieldError] {
        items.enumerated().flatMap { index, item -> [FakeFieldError] in
            var errors: [FakeFieldError] = []
            if (item["key"]?.string ?? "").isEmpty { errors.append(.required("\(path)[\(index)].key")) }
            let target = item["path"]?.string ?? ""
            if target.isEmpty { errors.append(.required("\(path)[\(index)].path")) }
            errors += localPath(target, path: "\(path)[\(index)].path", reserved: true)
            return errors
        }
    }

    /// `ValidateLocalDescendingPath` (and, for `reserved`, `ValidateLocalNonReservedPath`).
    static func localPath(_ target: String, path: String, reserved: Bool) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        if target.hasPrefix("/") { errors.append(.invalid(path, .string(target), "must be a relative path")) }
        if target.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            errors.append(.invalid(path, .string(target), "must not contain '..'"))
        }
        if reserved, target.hasPrefix(".."), !target.hasPrefix("../") { errors.append(.invalid(path, .string(target), "must not start with '..'")) }
        return errors
    }

    /// `validateSysctls`: names of sysctl syntax, each once, and none of the network namespace's
    /// when the pod shares the host's network (which safe or not is the kubelet's call, later).
    private static func sysctls(_ spec: JSONValue) -> [FakeFieldError] {
        let pattern = #"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"#
        var errors: [FakeFieldError] = []
        var names = Set<String>()
        for (index, sysctl) in (spec["securityContext"]?["sysctls"]?.array ?? []).enumerated() {
            let path = "spec.securityContext.sysctls[\(index)].name"
            let name = sysctl["name"]?.string ?? ""
            if name.isEmpty {
                errors.append(.required(path))
            } else if name.utf8.count > 253 || name.range(of: pattern, options: .regularExpression) == nil {
                errors.append(.invalid(path, .string(name), "must have at most 253 characters and match regex \(pattern)"))
            } else if names.contains(name) {
                errors.append(.duplicate(path, .string(name)))
            }
            if spec["hostNetwork"]?.bool == true, name.hasPrefix("net.") {
                errors.append(.invalid(path, .string(name), "sysctl \"\(name)\" not allowed with host net enabled"))
            }
            names.insert(name)
        }
        return errors
    }

    /// `ValidateTolerations`.
    private static func tolerations(_ tolerations: [JSONValue]) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        for (index, toleration) in tolerations.enumerated() {
            let path = "spec.tolerations[\(index)]"
            let key = toleration["key"]?.string ?? ""
            let operation = toleration["operator"]?.string ?? ""
            let effect = toleration["effect"]?.string ?? ""
            let value = toleration["value"]?.string ?? ""
            if !key.isEmpty { errors += FakeNameRules.isQualifiedName(key).map { .invalid("\(path).key", .string(key), $0) } }
            if key.isEmpty, operation != "Exists" {
                errors.append(.invalid(
                    "\(path).operator", .string(operation), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
            }
            if let seconds = toleration["tolerationSeconds"], seconds != .null, effect != "NoExecute" {
                errors.append(.invalid("\(path).effect", .string(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
            }
            switch operation {
            case "Equal", "":
                let problems = FakeNameRules.isValidLabelValue(value)
                if !problems.isEmpty { errors.append(.invalid("\(path).operator", .string(value), problems.joined(separator: ";"))) }
            case "Exists":
                if !value.isEmpty { errors.append(.invalid("\(path).operator", toleration, "value must be empty when `operator` is 'Exists'")) }
            default:
                errors.append(.notSupported("\(path).operator", .string(operation), ["Equal", "Exists"]))
            }
            if !effect.isEmpty, !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) {
                errors.append(.notSupported("\(path).effect", .string(effect), ["NoSchedule", "PreferNoSchedule", "NoExecute"]))
            }
        }
        return errors
    }
}
