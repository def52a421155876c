import FlowTestShared

/// What kube-apiserver's JSON decoder refuses before defaulting and validation ever run: a
/// `metav1.Time` that is not RFC 3339, a `MicroTime` without exactly six fractional digits, a
/// resource quantity that does not parse, a number or boolean field given another JSON type.
///
/// The server answers a create or a PUT with 400 BadRequest,
/// `Event in version "v1" cannot be handled as a Event: <the decoder's error>`
/// (`transformDecodeError` in k8s.io/apiserver), and a merge patch whose result does not decode
/// with 422 on the field `patch`. Go's decoder does not say which field it was at; the fake adds
/// `(field eventTime)` at the end, so a failing test says where to look.
enum FakeBuiltinDecoding {
    /// One decode failure: where, and the decoder's own words.
    struct Failure: Sendable {
        var field: String
        var message: String
    }

    private enum Expected {
        case time(FakeTimeLayout)
        case quantity
        /// A number field: the Go struct it belongs to and its Go type, for the decoder's message.
        case integer(goStruct: String, goType: String)
        case boolean(goStruct: String)
        case intOrString
    }

    private static let common: [(String, Expected)] = [
        ("metadata.creationTimestamp", .time(.time)), ("metadata.deletionTimestamp", .time(.time)),
        ("metadata.managedFields[].time", .time(.time)),
        ("metadata.ownerReferences[].controller", .boolean(goStruct: "OwnerReference")),
        ("metadata.ownerReferences[].blockOwnerDeletion", .boolean(goStruct: "OwnerReference")),
    ]

    private static let containerFields: [(String, Expected)] = {
        var fields: [(String, Expected)] = [
            ("resources.requests{}", .quantity), ("resources.limits{}", .quantity),
            ("ports[].containerPort", .integer(goStruct: "ContainerPort", goType: "int32")),
            ("ports[].hostPort", .integer(goStruct: "ContainerPort", goType: "int32")),
            ("securityContext.runAsUser", .integer(goStruct: "SecurityContext", goType: "int64")),
            ("securityContext.runAsGroup", .integer(goStruct: "SecurityContext", goType: "int64")),
            ("securityContext.runAsNonRoot", .boolean(goStruct: "SecurityContext")),
            ("securityContext.readOnlyRootFilesystem", .boolean(goStruct: "SecurityContext")),
            ("securityContext.allowPrivilegeEscalation", .boolean(goStruct: "SecurityContext")),
            ("volumeMounts[].readOnly", .boolean(goStruct: "VolumeMount")),
        ]
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            for number in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] {
                fields.append(("\(probe).\(number)", .integer(goStruct: "Probe", goType: "int32")))
            }
            fields.append(("\(probe).httpGet.port", .intOrString))
            fields.append(("\(probe).tcpSocket.port", .intOrString))
        }
        return fields
    }()

    private static func fields(of kind: FakeBuiltinKind) -> [(String, Expected)] {
        switch kind {
        case .pod:
            var fields: [(String, Expected)] = [
                ("spec.terminationGracePeriodSeconds", .integer(goStruct: "PodSpec", goType: "int64")),
                ("spec.activeDeadlineSeconds", .integer(goStruct: "PodSpec", goType: "int64")),
                ("spec.volumes[].configMap.defaultMode", .integer(goStruct: "ConfigMapVolumeSource", goType: "int32")),
                ("spec.tolerations[].tolerationSeconds", .integer(goStruct: "Toleration", goType: "int64")),
                ("status.startTime", .time(.time)), ("status.conditions[].lastProbeTime", .time(.time)),
                ("status.conditions[].lastTransitionTime", .time(.time)),
            ]
            for list in ["containers", "initContainers"] {
                fields += containerFields.map { ("spec.\(list)[].\($0.0)", $0.1) }
            }
            return fields
        case .service:
            return [
                ("spec.ports[].port", .integer(goStruct: "ServicePort", goType: "int32")),
                ("spec.ports[].nodePort", .integer(goStruct: "ServicePort", goType: "int32")),
                ("spec.ports[].targetPort", .intOrString), ("status.conditions[].lastTransitionTime", .time(.time)),
            ]
        case .event:
            return [
                ("eventTime", .time(.microTime)), ("series.lastObservedTime", .time(.microTime)),
                ("series.count", .integer(goStruct: "EventSeries", goType: "int32")),
                ("deprecatedFirstTimestamp", .time(.time)), ("deprecatedLastTimestamp", .time(.time)),
                ("deprecatedCount", .integer(goStruct: "Event", goType: "int32")),
            ]
        case .coreEvent:
            return [
                ("eventTime", .time(.microTime)), ("series.lastObservedTime", .time(.microTime)),
                ("firstTimestamp", .time(.time)), ("lastTimestamp", .time(.time)), ("count", .integer(goStruct: "Event", goType: "int32")),
            ]
        case .lease:
            return [
                ("spec.acquireTime", .time(.microTime)), ("spec.renewTime", .time(.microTime)),
                ("spec.leaseDurationSeconds", .integer(goStruct: "LeaseSpec", goType: "int32")),
                ("spec.leaseTransitions", .integer(goStruct: "LeaseSpec", goType: "int32")),
            ]
        case .serviceAccount, .role, .roleBinding:
            return []
        }
    }

    /// The first field the decoder would refuse, or nil when the body decodes.
    static func failure(in object: JSONValue, kind: FakeBuiltinKind) -> Failure? {
        for (pattern, expected) in common + fields(of: kind) {
            for (path, value) in FakeJSONPath(pattern).values(in: object) {
                if let message = problem(value, expected, path: path) { return Failure(field: path, message: message) }
            }
        }
        return nil
    }

    /// The 400 for a create or a PUT whose body does not decode.
    static func badRequest(_ failure: Failure, object: JSONValue, kind: FakeBuiltinKind) -> FakeAPIResponse {
        // The kind and version come from the body when it names them, as the decoder reads them.
        let bodyKind = object["kind"]?.string ?? kind.kind
        let version = object["apiVersion"]?.string?.split(separator: "/").last.map(String.init) ?? "v1"
        return .status(
            400, reason: "BadRequest",
            message: "\(bodyKind) in version \(FakeFieldError.quoted(version)) cannot be handled as a \(kind.kind): \(failure.message) (field \(failure.field))")
    }

    private static func problem(_ value: JSONValue, _ expected: Expected, path: String) -> String? {
        if value == .null { return nil }
        switch expected {
        case .time(let layout):
            guard case .string(let text) = value else { return "json: cannot unmarshal \(goKind(value)) into Go value of type string" }
            return layout.parseError(text)
        case .quantity:
            let text: String
            switch value {
            case .string(let string): text = string
            case .integer, .double: text = FakeFieldError.render(value)
            default: return FakeQuantity.formatError
            }
            if case .failure(let error) = FakeQuantity.parse(text) { return error.message }
            return nil
        case .integer(let goStruct, let goType):
            let range: ClosedRange<Int64> = goType == "int32" ? Int64(Int32.min)...Int64(Int32.max) : Int64.min...Int64.max
            if case .integer(let number) = value, range.contains(number) { return nil }
            let given = value.number.map { "number " + FakeFieldError.render(.double($0)) } ?? goKind(value)
            return "json: cannot unmarshal \(given) into Go struct field \(goStruct).\(goFieldPath(path)) of type \(goType)"
        case .boolean(let goStruct):
            if case .bool = value { return nil }
            return "json: cannot unmarshal \(goKind(value)) into Go struct field \(goStruct).\(goFieldPath(path)) of type bool"
        case .intOrString:
            switch value {
            case .string: return nil
            case .integer(let number) where Int64(Int32.min)...Int64(Int32.max) ~= number: return nil
            default:
                let given = value.number.map { "number " + FakeFieldError.render(.double($0)) } ?? goKind(value)
                return "json: cannot unmarshal \(given) into Go value of type int32"
            }
        }
    }

    /// How Go's `UnmarshalTypeError` names what it was given.
    private static func goKind(_ value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .bool: "bool"
        case .integer, .double: "number"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        }
    }

    /// The decoder names a field by its JSON keys without indexes: `spec.containers.ports.containerPort`.
    private static func goFieldPath(_ path: String) -> String {
        path.replacing(/\[[^\]]*\]/, with: "")
    }
}
