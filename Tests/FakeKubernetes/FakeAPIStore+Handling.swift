import FlowTestShared
import Foundation

extension FakeAPIStore {
    /// Answers one request; an outage set for after it begins once it is answered.
    func handle(method: String, path: String, query: [String: String], headers: [String: String], body: Data) -> FakeAPIResponse {
        let response = answer(method: method, path: path, query: query, headers: headers, body: body)
        let away = state.withLock { state -> Bool in
            guard let trigger = state.awayAfter, trigger.method == method, trigger.path == path else { return false }
            state.awayAfter = nil
            state.answering = false
            return true
        }
        if away { dropWatches() }
        return response
    }

    private func answer(method: String, path: String, query: [String: String], headers: [String: String], body: Data) -> FakeAPIResponse {
        let authorization = headers["authorization"]
        let isWatch = query["watch"] == "1" || query["watch"] == "true"
        if let route = FakeAPIRoute(path: path) { countWrite(method: method, route: route, body: body) }
        let fault = state.withLock { state -> (status: Int, retryAfter: Int?)? in
            state.requests.append(
                FakeAPIRequest(method: method, path: path, authorization: authorization, isWatch: isWatch))
            guard let index = state.faults.firstIndex(where: { $0.method == nil || $0.method == method }) else { return nil }
            let fault = state.faults.remove(at: index)
            return (fault.status, fault.retryAfter)
        }
        if let valid = state.withLock({ $0.validTokens }) {
            let token = authorization?.hasPrefix("Bearer ") == true ? String(authorization!.dropFirst(7)) : nil
            if token.map(valid.contains) != true { return .status(401, reason: "Unauthorized", message: "Unauthorized") }
        }
        if let fault {
            switch fault.status {
            case 429: return .status(429, reason: "TooManyRequests", message: "Too many requests, please try again later.", retryAfter: fault.retryAfter)
            case 409: return .status(409, reason: "Conflict", message: "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again")
            default: return .status(fault.status, reason: "InternalError", message: "Internal error occurred: injected failure")
            }
        }
        if method == "GET", let document = FakeDiscovery.response(for: path) { return document }
        guard let route = FakeAPIRoute(path: path), !FakeCustomKind.isMissing(route) else {
            return .status(404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let selector: FakeSelector
        switch FakeSelector.parse(labelSelector: query["labelSelector"], fieldSelector: query["fieldSelector"]) {
        case .success(let parsed): selector = parsed
        case .failure(let error):
            return .status(400, reason: "BadRequest", message: "field label not supported: \(error.field)")
        }
        if route.resource == "/v1/namespaces", route.namespace == nil {
            return method == "GET" && route.name != nil ? namespace(route, name: route.name!) : .status(
                405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
        switch (method, route.name) {
        case ("GET", nil) where isWatch:
            return watch(route, query: query, selector: selector)
        case ("GET", nil):
            // kubectl get asks for a server-side Table, with plain JSON as the fallback (fixture 62).
            let asTable = headers["accept"]?.contains("as=Table") == true
            return list(route, query: query, selector: selector, asTable: asTable)
        case ("GET", let name?): return get(route, name: name)
        case ("POST", nil):
            let token = authorization?.hasPrefix("Bearer ") == true ? String(authorization!.dropFirst(7)) : nil
            return create(route, body: body, holder: token.flatMap { token in state.withLock { $0.holders[token] } })
        case ("PUT", let name?):
            let token = authorization?.hasPrefix("Bearer ") == true ? String(authorization!.dropFirst(7)) : nil
            return replace(route, name: name, body: body, holder: token.flatMap { token in state.withLock { $0.holders[token] } })
        case ("PATCH", let name?): return patch(route, name: name, body: body, contentType: headers["content-type"] ?? "")
        case ("DELETE", let name?): return delete(route, name: name, body: body)
        default:
            return .status(405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
    }

    static func labels(of object: JSONValue) -> [String: String] {
        guard case .object(let labels)? = object["metadata"]?["labels"] else { return [:] }
        return labels.compactMapValues(\.string)
    }

    func key(_ route: FakeAPIRoute, _ name: String) -> Key {
        Key(resource: route.resource, namespace: route.namespace ?? "", name: name)
    }

    func notFound(_ route: FakeAPIRoute, _ name: String) -> FakeAPIResponse {
        .status(404, reason: "NotFound", message: "\(route.qualifiedName) \"\(name)\" not found", route: route, name: name)
    }

    /// A namespace exists while it holds objects: the fake has no namespace objects of its own,
    /// but kubectl asks for the namespace when an object is not found, to say which is missing.
    func namespace(_ route: FakeAPIRoute, name: String) -> FakeAPIResponse {
        guard state.withLock({ $0.objects.keys.contains { $0.namespace == name } }) else { return notFound(route, name) }
        return .json(200, .object([
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": .object(["name": .string(name), "labels": .object(["kubernetes.io/metadata.name": .string(name)])]),
            "spec": .object(["finalizers": ["kubernetes"]]), "status": .object(["phase": "Active"]),
        ]))
    }

    func get(_ route: FakeAPIRoute, name: String) -> FakeAPIResponse {
        guard let object = state.withLock({ $0.objects[key(route, name)] }) else { return notFound(route, name) }
        return .json(200, object)
    }

    func list(_ route: FakeAPIRoute, query: [String: String], selector: FakeSelector, asTable: Bool = false) -> FakeAPIResponse {
        if let requested = query["resourceVersion"].flatMap(Int.init), query["resourceVersionMatch"] == "Exact",
            requested < state.withLock({ $0.compactedBelow })
        {
            return .status(410, reason: "Expired", message: "The resourceVersion for the provided list is too old.")
        }
        // A later page comes from the snapshot the first was cut from, with its resourceVersion
        // (fixture 10); a token whose snapshot is gone is refused as the real server refuses one
        // past compaction (FakeListContinuation says why this matters).
        var continuation: FakeListContinuation?
        if let token = query["continue"], !token.isEmpty {
            guard let parsed = FakeListContinuation(token: token, namespace: route.namespace) else {
                return .status(400, reason: "BadRequest", message: "invalid continue token: continue key is not valid")
            }
            continuation = parsed
        }
        let snapshotKey = { (revision: Int) in
            "\(revision) \(route.resource) \(route.namespace ?? "*") \(query["labelSelector"] ?? "") \(query["fieldSelector"] ?? "")"
        }
        let snapshot = state.withLock { state -> (items: [(key: Key, value: JSONValue)], revision: Int)? in
            if let continuation {
                guard continuation.revision >= state.compactedBelow, let items = state.listSnapshots[snapshotKey(continuation.revision)] else { return nil }
                return (items, continuation.revision)
            }
            let items = state.objects.filter {
                $0.key.resource == route.resource && (route.namespace == nil || $0.key.namespace == route.namespace)
                    && selector.matches($0.key, labels: Self.labels(of: $0.value))
            }.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
            return (items, state.revision)
        }
        guard let (all, revision) = snapshot else {
            return .status(410, reason: "Expired", message: Self.expiredContinueMessage)
        }
        let remaining = all.filter { continuation?.precedes($0.key) ?? true }
        let limit = query["limit"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? Int.max
        let page = remaining.prefix(limit)
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(revision))]
        if remaining.count > page.count, let last = page.last {
            let next = FakeListContinuation(revision: revision, namespace: last.key.namespace, name: last.key.name)
            metadata["continue"] = .string(next.token(namespace: route.namespace))
            metadata["remainingItemCount"] = .integer(Int64(remaining.count - page.count))
            if continuation == nil { keepListSnapshot(all, as: snapshotKey(revision)) }
        } else {
            metadata["continue"] = ""
        }
        let custom = FakeCustomKind(route)
        if asTable, let custom {
            return .json(200, FakeTable.table(page.map(\.value), columns: custom.printerColumns, metadata: metadata))
        }
        let listKind = custom?.listKind ?? "List"
        let apiVersion = route.group.isEmpty ? "v1" : "\(route.group)/\(route.resource.split(separator: "/")[1])"
        return .json(200, .object(["apiVersion": .string(apiVersion), "kind": .string(listKind), "items": .array(page.map(\.value)), "metadata": .object(metadata)]))
    }

    /// Keeps a paged list's snapshot for its later pages; the oldest go first, as a compaction
    /// would take them (their tokens then get 410).
    private func keepListSnapshot(_ items: [(key: Key, value: JSONValue)], as key: String) {
        state.withLock { state in
            if state.listSnapshots.updateValue(items, forKey: key) == nil { state.listSnapshotOrder.append(key) }
            while state.listSnapshotOrder.count > Self.listSnapshotLimit {
                state.listSnapshots.removeValue(forKey: state.listSnapshotOrder.removeFirst())
            }
        }
    }

    static let listSnapshotLimit = 64

    /// kube-apiserver's words for a continue token older than its compaction.
    static let expiredContinueMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, "
        + "or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an "
        + "inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."
}
