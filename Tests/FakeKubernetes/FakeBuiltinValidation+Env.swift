import FlowTestShared

extension FakeBuiltinValidation {
    /// `validateEnv` of kube-apiserver (pkg/apis/core/validation): names of printable ASCII
    /// without '=' (RelaxedEnvironmentVariableValidation, on since v1.34), `value` and `valueFrom`
    /// not both, exactly one source in `valueFrom`, and each source's own rules.
    static func env(_ variables: [JSONValue], path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        for (index, variable) in variables.enumerated() {
            let path = "\(path)[\(index)]"
            let name = variable["name"]?.string ?? ""
            if name.isEmpty {
                errors.append(.required("\(path).name"))
            } else if !name.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 && $0 != "=" }) {
                errors.append(.invalid("\(path).name", .string(name), "a valid environment variable name must consist only of printable ASCII characters other than '='"))
            }
            guard let source = variable["valueFrom"], case .object(let sources) = source else { continue }
            if !(variable["value"]?.string ?? "").isEmpty {
                errors.append(.invalid("\(path).valueFrom", .string(""), "may not be specified when `value` is not empty"))
                continue
            }
            let known = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"]
            let given = known.filter { sources[$0] != nil && sources[$0] != .null }
            if given.isEmpty {
                errors.append(.invalid("\(path).valueFrom", .string(""), "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
                continue
            }
            if given.count > 1 {
                errors.append(.invalid("\(path).valueFrom", .string(""), "may not have more than one field specified at a time"))
                continue
            }
            switch given[0] {
            case "fieldRef": errors += fieldRef(sources["fieldRef"]!, path: "\(path).valueFrom.fieldRef")
            case "secretKeyRef", "configMapKeyRef": errors += keySelector(sources[given[0]]!, path: "\(path).valueFrom.\(given[0])")
            default: break
            }
        }
        return errors
    }

    /// `validateEnvVarValueFrom` for `fieldRef`: the fields a pod may expose to its containers.
    private static func fieldRef(_ reference: JSONValue, path: String) -> [FakeFieldError] {
        let fieldPath = reference["fieldPath"]?.string ?? ""
        guard !fieldPath.isEmpty else { return [.required("\(path).fieldPath")] }
        let supported = [
            "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
            "status.hostIPs", "status.podIP", "status.podIPs",
        ]
        if supported.contains(fieldPath) || fieldPath.hasPrefix("metadata.labels['") || fieldPath.hasPrefix("metadata.annotations['") { return [] }
        return [.notSupported("\(path).fieldPath", .string(fieldPath), supported)]
    }

    /// `validateSecretKeySelector` and `validateConfigMapKeySelector`: a name, and a key that is a
    /// valid config key.
    private static func keySelector(_ selector: JSONValue, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        if (selector["name"]?.string ?? "").isEmpty { errors.append(.required("\(path).name")) }
        let key = selector["key"]?.string ?? ""
        if key.isEmpty {
            errors.append(.required("\(path).key"))
        } else if key.count > 253 || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) || key == "." || key == ".." {
            errors.append(.invalid(
                "\(path).key", .string(key),
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"))
        }
        return errors
    }
}
