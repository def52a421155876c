import FlowTestShared
import Foundation

extension FakeAPIStore {
    /// Resources whose status is a subresource, and whose objects carry a generation (every
    /// custom resource does, pods do).
    private static func hasStatusSubresource(_ route: FakeAPIRoute) -> Bool { FakeCustomKind(route)?.hasStatusSubresource ?? false }
    private static func hasGeneration(_ route: FakeAPIRoute) -> Bool { FakeCustomKind(route) != nil || route.plural == "pods" }

    /// What of an object counts towards its generation: a custom resource's everything but
    /// metadata (apiextensions' `PrepareForUpdate`; with a status subresource the status is the
    /// old one already), a pod's spec.
    private static func generationContent(_ route: FakeAPIRoute, _ object: JSONValue) -> JSONValue? {
        guard FakeCustomKind(route) != nil else { return object["spec"] }
        return setting(object, "metadata", to: nil)
    }

    private static func decode(_ body: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: body)
    }

    private static func setting(_ value: JSONValue, metadata key: String, to member: JSONValue?) -> JSONValue {
        guard case .object(var object) = value else { return value }
        var metadata: [String: JSONValue] = [:]
        if case .object(let existing)? = object["metadata"] { metadata = existing }
        metadata[key] = member
        object["metadata"] = .object(metadata)
        return .object(object)
    }

    private static func setting(_ value: JSONValue, _ key: String, to member: JSONValue?) -> JSONValue {
        guard case .object(var object) = value else { return value }
        object[key] = member
        return .object(object)
    }

    /// 400 when the body names another namespace than the URL (`EnsureObjectNamespaceMatchesRequestNamespace`).
    private static func namespaceMismatch(_ route: FakeAPIRoute, _ object: JSONValue) -> FakeAPIResponse? {
        guard let namespace = route.namespace, let given = object["metadata"]?["namespace"]?.string, !given.isEmpty, given != namespace else { return nil }
        return .status(400, reason: "BadRequest", message: "the namespace of the provided object does not match the namespace sent on the request")
    }

    /// The API server applies the CRD's defaults and validates the schema and CEL rules (of a
    /// kind with a status subresource, everything but the status, which only `/status` writes).
    private func admit(_ route: FakeAPIRoute, _ object: JSONValue, name: String) -> Result<JSONValue, FakeAPIResponseBox> {
        guard let custom = FakeCustomKind(route) else { return .success(object) }
        let defaulted = custom.schema.pruning(custom.schema.applyingDefaults(to: object))
        let checked = custom.hasStatusSubresource ? Self.setting(defaulted, "status", to: nil) : defaulted
        var errors = SchemaValidator.validate(checked, against: custom.schema, path: "")
        // The API server prunes unknown fields rather than rejecting them.
        errors.removeAll { $0.message.hasPrefix("Unknown field") }
        guard !errors.isEmpty else { return .success(defaulted) }
        let causes: [JSONValue] = errors.map {
            .object(["reason": "FieldValueInvalid", "message": .string($0.message), "field": .string($0.field)])
        }
        let summary = errors.map(\.description).joined(separator: ", ")
        return .failure(FakeAPIResponseBox(response: .status(
            422, reason: "Invalid", message: "\(custom.kind).\(custom.group) \"\(name)\" is invalid: [\(summary)]", route: route, name: name,
            causes: causes, kindOverride: custom.kind)))
    }

    func create(_ route: FakeAPIRoute, body: Data, holder: FakeRBACEscalation.Holder? = nil) -> FakeAPIResponse {
        guard var object = Self.decode(body) else { return .status(400, reason: "BadRequest", message: "the body is not JSON") }
        if let mismatch = Self.namespaceMismatch(route, object) { return mismatch }
        let builtin = FakeBuiltinKind(route)
        if let builtin, let failure = FakeBuiltinDecoding.failure(in: object, kind: builtin) {
            return FakeBuiltinDecoding.badRequest(failure, object: object, kind: builtin)
        }
        var name = object["metadata"]?["name"]?.string ?? ""
        if name.isEmpty, let prefix = object["metadata"]?["generateName"]?.string, !prefix.isEmpty {
            name = Self.generatedName(prefix)
        }
        guard !name.isEmpty else {
            return .status(422, reason: "Invalid", message: "\(route.qualifiedName) is invalid: metadata.name: Required value: name or generateName is required")
        }
        if Self.hasStatusSubresource(route) { object = Self.setting(object, "status", to: nil) }
        if let builtin {
            object = Self.setting(object, metadata: "name", to: .string(name))
            object = Self.setting(object, metadata: "namespace", to: route.namespace.map(JSONValue.string))
            let namespace = route.namespace ?? ""
            let lookup = { (account: String) in self.state.withLock { $0.objects[Key(resource: "/v1/serviceaccounts", namespace: namespace, name: account)] } }
            switch Self.admitBuiltin(builtin, route, object, name: name, serviceAccount: lookup) {
            case .failure(let box): return box.response
            case .success(let admitted): object = admitted
            }
            if let holder {
                let roleName = object["roleRef"]?["name"]?.string ?? ""
                let boundRole = state.withLock { $0.objects[Key(resource: "rbac.authorization.k8s.io/v1/roles", namespace: namespace, name: roleName)] }
                if let refusal = FakeRBACEscalation.refusal(object, kind: builtin, route: route, name: name, holder: holder, boundRole: boundRole) {
                    return refusal
                }
            }
        } else {
            switch admit(route, object, name: name) {
            case .failure(let box): return box.response
            case .success(let admitted): object = admitted
            }
        }
        let key = key(route, name)
        return state.withLock { state -> FakeAPIResponse in
            guard state.objects[key] == nil else {
                return .status(409, reason: "AlreadyExists", message: "\(route.qualifiedName) \"\(name)\" already exists", route: route, name: name)
            }
            state.revision += 1
            object = Self.setting(object, metadata: "name", to: .string(name))
            if route.namespace != nil { object = Self.setting(object, metadata: "namespace", to: .string(key.namespace)) }
            object = Self.setting(object, metadata: "uid", to: .string(UUID().uuidString.lowercased()))
            object = Self.setting(object, metadata: "creationTimestamp", to: .string(Self.now()))
            object = Self.setting(object, metadata: "resourceVersion", to: .string(String(state.revision)))
            if Self.hasGeneration(route) { object = Self.setting(object, metadata: "generation", to: .integer(1)) }
            state.objects[key] = object
            record(&state, "ADDED", key, object)
            // The garbage collector removes a dependent whose owner no longer exists (a child
            // created by a reconcile that raced the owner's deletion).
            let owners = object["metadata"]?["ownerReferences"]?.array?.compactMap { $0["uid"]?.string } ?? []
            if !owners.isEmpty, !owners.contains(where: { uid in state.objects.values.contains { $0["metadata"]?["uid"]?.string == uid } }) {
                remove(&state, key)
            }
            return .json(201, object)
        }
    }

    /// PUT. A Role or RoleBinding replaced by a token a test gave rules to is checked for
    /// escalation as on create: kube-apiserver checks updates of RBAC objects the same way.
    func replace(_ route: FakeAPIRoute, name: String, body: Data, holder: FakeRBACEscalation.Holder? = nil) -> FakeAPIResponse {
        guard let object = Self.decode(body) else { return .status(400, reason: "BadRequest", message: "the body is not JSON") }
        if let mismatch = Self.namespaceMismatch(route, object) { return mismatch }
        if let given = object["metadata"]?["name"]?.string, !given.isEmpty, given != name {
            return .status(400, reason: "BadRequest", message: "the name of the object (\(given)) does not match the name on the URL (\(name))")
        }
        if let builtin = FakeBuiltinKind(route) {
            if let failure = FakeBuiltinDecoding.failure(in: object, kind: builtin) { return FakeBuiltinDecoding.badRequest(failure, object: object, kind: builtin) }
            if let holder {
                let namespace = route.namespace ?? ""
                let roleName = object["roleRef"]?["name"]?.string ?? ""
                let boundRole = state.withLock { $0.objects[Key(resource: "rbac.authorization.k8s.io/v1/roles", namespace: namespace, name: roleName)] }
                if let refusal = FakeRBACEscalation.refusal(object, kind: builtin, route: route, name: name, holder: holder, boundRole: boundRole) {
                    return refusal
                }
            }
            // Built-in kinds allow an unconditional update (their strategies'
            // AllowUnconditionalUpdate); a custom resource needs the resourceVersion (fixture 19).
            let version = object["metadata"]?["resourceVersion"]?.string
            return update(route, name: name, expectedVersion: version?.isEmpty == false ? version : nil, isPatch: false) { _ in object }
        }
        guard let version = object["metadata"]?["resourceVersion"]?.string, !version.isEmpty else {
            return .status(
                422, reason: "Invalid", message: "\(route.qualifiedName) \"\(name)\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
                route: route, name: name, causes: [.object(["reason": "FieldValueInvalid", "message": "Invalid value: 0x0: must be specified for an update", "field": "metadata.resourceVersion"])])
        }
        return update(route, name: name, expectedVersion: version, isPatch: false) { _ in object }
    }

    func patch(_ route: FakeAPIRoute, name: String, body: Data, contentType: String) -> FakeAPIResponse {
        guard contentType.hasPrefix("application/merge-patch+json") else {
            return .status(415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json")
        }
        guard let patch = Self.decode(body) else { return .status(400, reason: "BadRequest", message: "the body is not JSON") }
        let version = patch["metadata"]?["resourceVersion"]?.string
        return update(route, name: name, expectedVersion: version, isPatch: true) { $0.applyingMergePatch(patch) }
    }

    /// PUT and PATCH: the main resource ignores status, `/status` ignores everything but status.
    /// Read, change and write happen under one lock, as the API server applies each patch to the
    /// latest object: concurrent patches to different keys never lose each other.
    private func update(
        _ route: FakeAPIRoute, name: String, expectedVersion: String?, isPatch: Bool, change: (JSONValue) -> JSONValue
    ) -> FakeAPIResponse {
        let key = key(route, name)
        return state.withLock { state -> FakeAPIResponse in
            guard let current = state.objects[key] else { return notFound(route, name) }
            if let expectedVersion, expectedVersion != current["metadata"]?["resourceVersion"]?.string {
                return .status(
                    409, reason: "Conflict",
                    message: "Operation cannot be fulfilled on \(route.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                    route: route, name: name)
            }
            var proposed = change(current)
            if Self.hasStatusSubresource(route) {
                if route.subresource == "status" {
                    proposed = Self.setting(current, "status", to: proposed["status"])
                    // A status write is pruned and validated against the CRD's status schema
                    // (what did not change is not checked again: validation ratcheting).
                    if let custom = FakeCustomKind(route), let schema = custom.schema.properties["status"], proposed["status"] != current["status"] {
                        proposed = Self.setting(proposed, "status", to: proposed["status"].map(schema.pruning))
                        if let invalid = SchemaValidator.validate(proposed["status"] ?? .null, against: schema, path: "status").first(where: { !$0.message.hasPrefix("Unknown field") }) {
                            return .status(
                                422, reason: "Invalid", message: "\(custom.kind).\(custom.group) \"\(name)\" is invalid: \(invalid.description)", route: route,
                                name: name, causes: [.object(["reason": "FieldValueInvalid", "message": .string(invalid.message), "field": .string(invalid.field)])],
                                kindOverride: custom.kind)
                        }
                    }
                } else {
                    proposed = Self.setting(proposed, "status", to: current["status"])
                }
            }
            // What the client may not change.
            for field in ["uid", "creationTimestamp", "namespace", "name", "generation", "resourceVersion"] {
                proposed = Self.setting(proposed, metadata: field, to: current["metadata"]?[field])
            }
            if let builtin = FakeBuiltinKind(route) {
                // A patched built-in is decoded again, then defaulted and validated in full.
                if isPatch, let failure = FakeBuiltinDecoding.failure(in: proposed, kind: builtin) {
                    return Self.undecodablePatch(failure, patched: proposed)
                }
                switch Self.admitBuiltin(builtin, route, proposed, name: name, serviceAccount: nil) {
                case .failure(let box): return box.response
                case .success(let admitted): proposed = admitted
                }
            } else if let custom = FakeCustomKind(route), route.subresource == nil,
                Self.generationContent(route, proposed) != Self.generationContent(route, current)
            {
                // Validation ratcheting (GA since Kubernetes 1.33): content that did not change is
                // not re-validated, so the status of an object stored under an older schema can be
                // written. (A FlowTestReport's content is all it has: each report is validated.)
                switch admit(route, proposed, name: name) {
                case .failure(let box): return box.response
                case .success(let admitted): proposed = admitted
                }
                if let broken = SchemaValidator.validateUpdate(from: current, to: proposed, against: custom.schema).first {
                    return .status(
                        422, reason: "Invalid", message: "\(custom.kind).\(custom.group) \"\(name)\" is invalid: \(broken.description)", route: route,
                        name: name, causes: [.object(["reason": "FieldValueInvalid", "message": .string(broken.message), "field": .string(broken.field)])],
                        kindOverride: custom.kind)
                }
            }
            // A no-op write changes nothing, not even the resourceVersion (fixture 23).
            guard proposed != current else { return .json(200, current) }
            if Self.hasGeneration(route), route.subresource == nil, Self.generationContent(route, proposed) != Self.generationContent(route, current) {
                let generation = current["metadata"]?["generation"]?.number.map { Int64($0) } ?? 1
                proposed = Self.setting(proposed, metadata: "generation", to: .integer(generation + 1))
            }
            state.revision += 1
            proposed = Self.setting(proposed, metadata: "resourceVersion", to: .string(String(state.revision)))
            state.objects[key] = proposed
            record(&state, "MODIFIED", key, proposed)
            return .json(200, proposed)
        }
    }

    func delete(_ route: FakeAPIRoute, name: String, body: Data) -> FakeAPIResponse {
        let key = key(route, name)
        let policy = Self.decode(body)?["propagationPolicy"]?.string ?? "Background"
        return state.withLock { state -> FakeAPIResponse in
            guard let object = state.objects[key] else { return notFound(route, name) }
            remove(&state, key)
            if policy == "Foreground" {
                // Fixture 36: the object comes back with a deletionTimestamp and the finalizer.
                var shown = Self.setting(object, metadata: "deletionTimestamp", to: .string(Self.now()))
                shown = Self.setting(shown, metadata: "finalizers", to: ["foregroundDeletion"])
                return .json(200, shown)
            }
            var details: [String: JSONValue] = ["name": .string(name), "kind": .string(route.plural)]
            if !route.group.isEmpty { details["group"] = .string(route.group) }
            details["uid"] = object["metadata"]?["uid"]
            return .json(200, .object(["kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success", "details": .object(details)]))
        }
    }

    /// Removes an object and, as the garbage collector would, everything it owns.
    private func remove(_ state: inout State, _ key: Key) {
        guard let object = state.objects.removeValue(forKey: key) else { return }
        state.revision += 1
        record(&state, "DELETED", key, Self.setting(object, metadata: "resourceVersion", to: .string(String(state.revision))))
        guard let uid = object["metadata"]?["uid"]?.string else { return }
        let owned = state.objects.filter { $0.value["metadata"]?["ownerReferences"]?.array?.contains { $0["uid"]?.string == uid } == true }
        for dependent in owned.keys.sorted() { remove(&state, dependent) }
    }

    /// Appends a watch event to history and sends it to matching live watches.
    func record(_ state: inout State, _ type: String, _ key: Key, _ object: JSONValue) {
        let line = Self.encode(.object(["type": .string(type), "object": object])) + Data("\n".utf8)
        let labels = Self.labels(of: object)
        state.events.append(Event(revision: state.revision, key: key, line: line, labels: labels))
        for sink in state.watches.values where Self.watch(sink.route, sink.selector, sees: key, labels) {
            sink.send(line)
        }
    }
}

/// Lets a response travel in a `Result`'s failure.
struct FakeAPIResponseBox: Error {
    var response: FakeAPIResponse
}
