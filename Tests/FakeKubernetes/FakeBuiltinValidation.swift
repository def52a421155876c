import FlowTestShared

/// kube-apiserver's validation of the built-in kinds FlowTest writes, rule for rule and in its
/// words: `ValidateObjectMeta` (k8s.io/apimachinery/pkg/api/validation), and per kind
/// `ValidatePod`/`ValidateService`/`ValidateEventCreate` (k8s.io/kubernetes pkg/apis/core/validation),
/// `ValidateLease` (pkg/apis/coordination/validation), `ValidateRole`/`ValidateRoleBinding`
/// (pkg/apis/rbac/validation).
///
/// Only rules the real server enforces are here, and only for fields FlowTest or its tests can
/// write; what is not covered is accepted, as before. A violation is a 422 Invalid whose causes
/// name each field (`spec.containers: Required value`), as the server's are.
enum FakeBuiltinValidation {
    /// Every violation in a defaulted object, in the order the server lists them.
    static func errors(_ object: JSONValue, kind: FakeBuiltinKind) -> [FakeFieldError] {
        switch kind {
        case .pod: metadata(object, kind) + pod(object)
        case .service: metadata(object, kind) + service(object)
        case .serviceAccount: metadata(object, kind)
        case .event: event(object)
        case .coreEvent: []
        case .lease: metadata(object, kind) + lease(object)
        case .role: metadata(object, kind) + role(object)
        case .roleBinding: metadata(object, kind) + roleBinding(object)
        }
    }

    /// The 422: `Pod "x" is invalid: ...`; `details.kind` is the kind (`Pod`), not the plural.
    static func invalid(_ errors: [FakeFieldError], kind: FakeBuiltinKind, name: String, route: FakeAPIRoute) -> FakeAPIResponse {
        .status(
            422, reason: "Invalid", message: "\(kind.qualifiedKind) \(FakeFieldError.quoted(name)) is invalid: \(FakeFieldError.summary(errors))",
            route: route, name: name, causes: errors.map(\.cause), kindOverride: kind.kind)
    }

    // MARK: Metadata

    /// `ValidateObjectMeta` for a namespaced object, after the server generated any name.
    static func metadata(_ object: JSONValue, _ kind: FakeBuiltinKind) -> [FakeFieldError] {
        let metadata = object["metadata"] ?? .object([:])
        var errors: [FakeFieldError] = []
        if let prefix = metadata["generateName"]?.string, !prefix.isEmpty {
            errors += kind.nameErrors(FakeNameRules.maskingTrailingDash(prefix)).map { .invalid("metadata.generateName", .string(prefix), $0) }
        }
        let name = metadata["name"]?.string ?? ""
        if name.isEmpty {
            errors.append(.required("metadata.name", "name or generateName is required"))
        } else {
            errors += kind.nameErrors(name).map { .invalid("metadata.name", .string(name), $0) }
        }
        let namespace = metadata["namespace"]?.string ?? ""
        if namespace.isEmpty {
            errors.append(.required("metadata.namespace"))
        } else {
            errors += FakeNameRules.isDNS1123Label(namespace).map { .invalid("metadata.namespace", .string(namespace), $0) }
        }
        errors += labels(metadata["labels"], path: "metadata.labels")
        let annotations = (metadata["annotations"]?.fakeMembers ?? [:]).sorted { $0.key < $1.key }
        for (key, _) in annotations {
            errors += FakeNameRules.isQualifiedName(key.lowercased()).map { .invalid("metadata.annotations", .string(key), $0) }
        }
        if annotations.reduce(0, { $0 + $1.key.utf8.count + ($1.value.string?.utf8.count ?? 0) }) > 256 << 10 {
            errors.append(.tooLong("metadata.annotations", "must have at most 262144 bytes"))
        }
        errors += ownerReferences(metadata["ownerReferences"]?.array ?? [])
        for finalizer in metadata["finalizers"]?.array?.compactMap(\.string) ?? [] {
            errors += FakeNameRules.isQualifiedName(finalizer).map { .invalid("metadata.finalizers", .string(finalizer), $0) }
        }
        return errors
    }

    /// `ValidateLabels`: keys are qualified names, values label values; both reported on the map.
    static func labels(_ labels: JSONValue?, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        for (key, value) in (labels?.fakeMembers ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += FakeNameRules.isQualifiedName(key).map { .invalid(path, .string(key), $0) }
            let text = value.string ?? ""
            errors += FakeNameRules.isValidLabelValue(text).map { .invalid(path, .string(text), $0) }
        }
        return errors
    }

    private static func ownerReferences(_ references: [JSONValue]) -> [FakeFieldError] {
        let path = "metadata.ownerReferences"
        var errors: [FakeFieldError] = []
        var controller: String?
        for reference in references {
            let apiVersion = reference["apiVersion"]?.string ?? ""
            let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
            // `schema.ParseGroupVersion`: `v1` or `group/v1`; anything else has no version.
            let version = parts.count <= 2 ? String(parts.last ?? "") : ""
            if version.isEmpty { errors.append(.invalid("\(path).apiVersion", .string(apiVersion), "version must not be empty")) }
            for (field, label) in [("kind", "kind"), ("name", "name"), ("uid", "uid")] where (reference[field]?.string ?? "").isEmpty {
                errors.append(.invalid("\(path).\(field)", .string(reference[field]?.string ?? ""), "\(label) must not be empty"))
            }
            if reference["controller"]?.bool == true {
                let current = "\(reference["kind"]?.string ?? "")/\(reference["name"]?.string ?? "")"
                if let first = controller {
                    errors.append(.invalid(
                        path, .array(references),
                        "Only one reference can have Controller set to true. Found \"true\" in references for \(first) and \(current)"))
                } else {
                    controller = current
                }
            }
        }
        return errors
    }
}
