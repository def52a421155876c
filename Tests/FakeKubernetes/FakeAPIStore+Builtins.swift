import FlowTestShared

extension FakeAPIStore {
    /// What kube-apiserver does to a decoded built-in object before storing it: defaults, then
    /// on create the mutating admission plugins, then validation (a 422 names every bad field).
    ///
    /// `serviceAccount` is given on create only: it looks up the ServiceAccount a pod runs as.
    /// The ServiceAccount plugin refuses a pod whose account does not exist with 403; `default`
    /// always exists, as kube-controller-manager creates it in every namespace.
    static func admitBuiltin(
        _ kind: FakeBuiltinKind, _ route: FakeAPIRoute, _ object: JSONValue, name: String, serviceAccount: ((String) -> JSONValue?)?
    ) -> Result<JSONValue, FakeAPIResponseBox> {
        // A typed object always has its apiVersion and kind, whether or not the body had them.
        var object = FakeBuiltinDefaults.applying(to: object, kind: kind).setting("apiVersion", .string(kind.apiVersion)).setting("kind", .string(kind.kind))
        if let serviceAccount {
            var account: JSONValue?
            if kind == .pod {
                let accountName = FakeBuiltinAdmission.serviceAccountName(of: object)
                account = serviceAccount(accountName)
                if account == nil, accountName != "default" {
                    return .failure(FakeAPIResponseBox(response: .status(
                        403, reason: "Forbidden",
                        message: "\(route.qualifiedName) \(FakeFieldError.quoted(name)) is forbidden: error looking up service account \(route.namespace ?? "")/\(accountName): serviceaccount \(FakeFieldError.quoted(accountName)) not found",
                        route: route, name: name)))
                }
            }
            if kind == .service, FakeBuiltinValidation.errors(object, kind: kind).isEmpty {
                let errors = FakeBuiltinValidation.serviceAllocation(object)
                guard errors.isEmpty else {
                    return .failure(FakeAPIResponseBox(response: FakeBuiltinValidation.invalid(errors, kind: kind, name: name, route: route)))
                }
            }
            object = FakeBuiltinAdmission.admitting(object, kind: kind, serviceAccount: account)
        }
        let errors = FakeBuiltinValidation.errors(object, kind: kind)
        guard errors.isEmpty else { return .failure(FakeAPIResponseBox(response: FakeBuiltinValidation.invalid(errors, kind: kind, name: name, route: route))) }
        return .success(object)
    }

    /// A merge patch whose result does not decode: 422 on the field `patch`, with the patched
    /// JSON as the value (the server's `jsonPatcher` builds it without a kind or a name).
    static func undecodablePatch(_ failure: FakeBuiltinDecoding.Failure, patched: JSONValue) -> FakeAPIResponse {
        let cause = FakeFieldError.invalid("patch", .string(String(decoding: encode(patched), as: UTF8.self)), "\(failure.message) (field \(failure.field))")
        return .status(422, reason: "Invalid", message: " \"\" is invalid: \(cause.description)", causes: [cause.cause])
    }

    /// `names.SimpleNameGenerator`: the prefix cut to 58 characters, then five random ones.
    static func generatedName(_ prefix: String) -> String {
        let letters = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(prefix.prefix(58)) + String((0..<5).map { _ in letters.randomElement()! })
    }
}
