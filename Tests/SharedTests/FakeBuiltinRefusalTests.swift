import FlowTestShared
import Foundation
import Testing
@testable import FakeKubernetes

/// One rule per case, each the real server's (k8s.io/kubernetes pkg/apis/*/validation,
/// apimachinery's ObjectMeta and name rules, the decoder): a valid object with one thing
/// broken, the status the server answers, and words its message contains.
@Suite("Fake API server: each built-in rule refuses what the real server refuses")
struct FakeBuiltinRefusalTests {
    struct Refusal: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var path: String
        var object: JSONValue
        var status: Int
        var says: String
    }

    private static let base = "/namespaces/fixtures"

    private static let pod: JSONValue = .object([
        "apiVersion": "v1", "kind": "Pod", "metadata": .object(["name": "p"]),
        "spec": .object(["containers": [.object(["name": "agent", "image": "flowtest-agent:dev"])]]),
    ])

    /// The pod with its one container changed by `patch`.
    private static func pod(container patch: JSONValue) -> JSONValue {
        pod.applyingMergePatch(.object(["spec": .object(["containers": [.object(["name": "agent", "image": "flowtest-agent:dev"]).applyingMergePatch(patch)]])]))
    }

    private static let service: JSONValue = .object([
        "apiVersion": "v1", "kind": "Service", "metadata": .object(["name": "ft-a-echo"]),
        "spec": .object(["selector": .object(["flowtest.dev/name": "ft-a"]), "ports": [.object(["name": "tcp-7000", "port": 7000])]]),
    ])

    private static let lease: JSONValue = .object([
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "flowtest-controller"]),
        "spec": .object(["holderIdentity": "a", "leaseDurationSeconds": 15, "renewTime": "2026-11-21T20:19:35.123456Z"]),
    ])

    private static let role: JSONValue = .object([
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": .object(["name": "r"]),
        "rules": [.object(["apiGroups": ["flowtest.dev"], "resources": ["flowtests/status"], "verbs": ["patch"]])],
    ])

    private static let binding: JSONValue = .object([
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": .object(["name": "r"]),
        "roleRef": .object(["kind": "Role", "name": "r"]), "subjects": [.object(["kind": "ServiceAccount", "name": "flowtest-agent"])],
    ])

    private static func event() -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Fixture("50").requestBody)) ?? .null
    }

    static let refusals: [Refusal] = [
        // Decoding (400): the body never reaches validation.
        Refusal(
            testDescription: "Lease renewTime with three fractional digits", path: "/apis/coordination.k8s.io/v1\(base)/leases",
            object: lease.applyingMergePatch(.object(["spec": .object(["renewTime": "2026-11-21T20:19:35.123Z"])])), status: 400,
            says: #"Lease in version "v1" cannot be handled as a Lease: parsing time "2026-11-21T20:19:35.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000" (field spec.renewTime)"#),
        Refusal(
            testDescription: "Lease duration as a string", path: "/apis/coordination.k8s.io/v1\(base)/leases",
            object: lease.applyingMergePatch(.object(["spec": .object(["leaseDurationSeconds": "15"])])), status: 400,
            says: "json: cannot unmarshal string into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32"),
        Refusal(
            testDescription: "creationTimestamp not RFC 3339", path: "/apis/events.k8s.io/v1\(base)/events",
            object: event().applyingMergePatch(.object(["metadata": .object(["creationTimestamp": "2026-11-21 20:19:30"])])), status: 400,
            says: #"parsing time "2026-11-21 20:19:30" as "2006-01-02T15:04:05Z07:00": cannot parse " 20:19:30" as "T""#),
        Refusal(
            testDescription: "CPU quantity with a unit", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["resources": .object(["requests": .object(["cpu": "100mcpu"])])])), status: 400,
            says: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        // Events (422).
        Refusal(
            testDescription: "Event generateName ending in a dot (EventRecorder's until now)", path: "/apis/events.k8s.io/v1\(base)/events",
            object: event().applyingMergePatch(.object(["metadata": .object(["name": .null, "generateName": "ft-a."])])), status: 422,
            says: #"metadata.generateName: Invalid value: "ft-a.": a lowercase RFC 1123 subdomain must consist of"#),
        Refusal(
            testDescription: "Event note over 1024 bytes", path: "/apis/events.k8s.io/v1\(base)/events",
            object: event().applyingMergePatch(.object(["note": .string(String(repeating: "é", count: 513))])), status: 422,
            says: #"message: Invalid value: "": can have at most 1024 characters"#),
        Refusal(
            testDescription: "Event type neither Normal nor Warning", path: "/apis/events.k8s.io/v1\(base)/events",
            object: event().applyingMergePatch(.object(["type": "Info"])), status: 422, says: #"type: Invalid value: "": has invalid value: Info"#),
        Refusal(
            testDescription: "Event without eventTime", path: "/apis/events.k8s.io/v1\(base)/events",
            object: event().applyingMergePatch(.object(["eventTime": .null])), status: 422, says: "eventTime: Required value"),
        // Leases.
        Refusal(
            testDescription: "Lease duration 0", path: "/apis/coordination.k8s.io/v1\(base)/leases",
            object: lease.applyingMergePatch(.object(["spec": .object(["leaseDurationSeconds": 0])])), status: 422,
            says: "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"),
        // Services.
        Refusal(
            testDescription: "Service name not a DNS-1035 label", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["metadata": .object(["name": "1test-echo"])])), status: 422,
            says: #"metadata.name: Invalid value: "1test-echo": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"#),
        Refusal(
            testDescription: "Service without ports", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["ports": []])])), status: 422, says: "spec.ports: Required value"),
        Refusal(
            testDescription: "Service with two ports, one unnamed", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["ports": [.object(["name": "tcp-7000", "port": 7000]), .object(["port": 7001])]])])),
            status: 422, says: "spec.ports[1].name: Required value"),
        Refusal(
            testDescription: "Service port 70000 over UDP twice", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["ports": [
                .object(["name": "a", "port": 70000, "protocol": "UDP"]), .object(["name": "b", "port": 70000, "protocol": "UDP"]),
            ]])])),
            status: 422, says: "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        Refusal(
            testDescription: "Service of two IP families, SingleStack", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["ipFamilies": ["IPv4", "IPv6"], "ipFamilyPolicy": "SingleStack"])])),
            status: 422,
            says: #"Service "ft-a-echo" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": must be RequireDualStack or PreferDualStack when multiple 'ipFamilies' are specified"#),
        Refusal(
            testDescription: "Service of two IP families, no policy (SingleStack by default)", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["ipFamilies": ["IPv6", "IPv4"]])])), status: 422,
            says: #"spec.ipFamilyPolicy: Invalid value: "SingleStack": must be RequireDualStack or PreferDualStack when multiple 'ipFamilies' are specified"#),
        Refusal(
            testDescription: "Headless Service with a second cluster IP", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["clusterIP": "None", "clusterIPs": ["None", "10.96.0.7"], "ipFamilyPolicy": "PreferDualStack"])])),
            status: 422, says: #"spec.clusterIPs: Invalid value: []string{"None", "10.96.0.7"}: 'None' must be the first and only value"#),
        Refusal(
            testDescription: "Headless NodePort Service", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["clusterIP": "None", "type": "NodePort"])])),
            status: 422, says: #"spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services"#),
        Refusal(
            testDescription: "Service whose clusterIPs do not start with its clusterIP", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["clusterIP": "None", "clusterIPs": ["10.96.0.7"]])])),
            status: 422, says: #"spec.clusterIPs: Invalid value: []string{"10.96.0.7"}: first value must match `clusterIP`"#),
        Refusal(
            testDescription: "Service selector value with a space", path: "/api/v1\(base)/services",
            object: service.applyingMergePatch(.object(["spec": .object(["selector": .object(["flowtest.dev/name": "ft a"])])])), status: 422,
            says: #"spec.selector: Invalid value: "ft a": a valid label must be an empty string or consist of"#),
        // Pods.
        Refusal(
            testDescription: "Pod name with capitals", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["metadata": .object(["name": "Ft-A"])])), status: 422, says: #"metadata.name: Invalid value: "Ft-A""#),
        Refusal(
            testDescription: "Pod label value over 63 characters", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["metadata": .object(["labels": .object(["flowtest.dev/name": .string(String(repeating: "a", count: 64))])])])),
            status: 422, says: "must be no more than 63 characters"),
        Refusal(
            testDescription: "Pod owner without a uid", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["metadata": .object(["ownerReferences": [
                .object(["apiVersion": "flowtest.dev/v1alpha1", "kind": "FlowTest", "name": "ft-a", "controller": true]),
            ]])])),
            status: 422, says: #"metadata.ownerReferences.uid: Invalid value: "": uid must not be empty"#),
        Refusal(
            testDescription: "Pod container without image", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["image": .null])), status: 422, says: "spec.containers[0].image: Required value"),
        Refusal(
            testDescription: "Env secretKeyRef without a key", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["env": [.object(["name": "T", "valueFrom": .object(["secretKeyRef": .object(["name": "s"])])])]])),
            status: 422, says: "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value"),
        Refusal(
            testDescription: "Env secretKeyRef key that is not a config key", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["env": [.object(["name": "T", "valueFrom": .object(["secretKeyRef": .object(["name": "s", "key": "a/b"])])])]])),
            status: 422, says: #"spec.containers[0].env[0].valueFrom.secretKeyRef.key: Invalid value: "a/b": a valid config key must consist of alphanumeric characters"#),
        Refusal(
            testDescription: "Env with value and valueFrom", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["env": [.object(["name": "T", "value": "x", "valueFrom": .object(["secretKeyRef": .object(["name": "s", "key": "k"])])])]])),
            status: 422, says: "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"),
        Refusal(
            testDescription: "Env valueFrom with two sources", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["env": [.object(["name": "T", "valueFrom": .object([
                "secretKeyRef": .object(["name": "s", "key": "k"]), "fieldRef": .object(["fieldPath": "metadata.name"]),
            ])])]])),
            status: 422, says: "may not have more than one field specified at a time"),
        Refusal(
            testDescription: "Env fieldRef to a field pods cannot expose", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["env": [.object(["name": "T", "valueFrom": .object(["fieldRef": .object(["fieldPath": "spec.containers"])])])]])),
            status: 422, says: #"spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.containers""#),
        Refusal(
            testDescription: "Container port name over 15 characters", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["ports": [.object(["name": "a-very-long-port-name", "containerPort": 9090])]])), status: 422,
            says: #"spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters"#),
        Refusal(
            testDescription: "Container port protocol HTTP", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["ports": [.object(["containerPort": 9090, "protocol": "HTTP"])]])), status: 422,
            says: #"spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP""#),
        Refusal(
            testDescription: "Pod restartPolicy Sometimes", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["spec": .object(["restartPolicy": "Sometimes"])])), status: 422,
            says: #"spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never""#),
        Refusal(
            testDescription: "Probe with two handlers", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["livenessProbe": .object(["httpGet": .object(["port": 9090]), "tcpSocket": .object(["port": 9090])])])), status: 422,
            says: "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"),
        Refusal(
            testDescription: "Probe without a handler", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["readinessProbe": .object(["periodSeconds": 5])])), status: 422,
            says: "spec.containers[0].readinessProbe: Required value: must specify a handler type"),
        Refusal(
            testDescription: "Mount of a volume the pod does not have", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["volumeMounts": [.object(["name": "missing", "mountPath": "/data"])]])), status: 422,
            says: #"spec.containers[0].volumeMounts[0].name: Not found: "missing""#),
        Refusal(
            testDescription: "Memory request above its limit", path: "/api/v1\(base)/pods",
            object: pod(container: .object(["resources": .object(["requests": .object(["memory": "1Gi"]), "limits": .object(["memory": "512Mi"])])])),
            status: 422, says: #"spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi"#),
        Refusal(
            testDescription: "Toleration Exists with a value", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["spec": .object(["tolerations": [.object(["key": "dedicated", "operator": "Exists", "value": "net"])]])])),
            status: 422, says: "value must be empty when `operator` is 'Exists'"),
        Refusal(
            testDescription: "Pod of a service account that does not exist", path: "/api/v1\(base)/pods",
            object: pod.applyingMergePatch(.object(["spec": .object(["serviceAccountName": "flowtest-agent"])])), status: 403,
            says: #"pods "p" is forbidden: error looking up service account fixtures/flowtest-agent: serviceaccount "flowtest-agent" not found"#),
        // RBAC.
        Refusal(
            testDescription: "Role rule without verbs", path: "/apis/rbac.authorization.k8s.io/v1\(base)/roles",
            object: role.applyingMergePatch(.object(["rules": [.object(["apiGroups": [""], "resources": ["pods"]])]])), status: 422,
            says: "rules[0].verbs: Required value: verbs must contain at least one value"),
        Refusal(
            testDescription: "RoleBinding without a roleRef kind", path: "/apis/rbac.authorization.k8s.io/v1\(base)/rolebindings",
            object: binding.applyingMergePatch(.object(["roleRef": .object(["kind": .null])])), status: 422,
            says: #"roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole""#),
        Refusal(
            testDescription: "RoleBinding subject without a name", path: "/apis/rbac.authorization.k8s.io/v1\(base)/rolebindings",
            object: binding.applyingMergePatch(.object(["subjects": [.object(["kind": "ServiceAccount"])]])), status: 422, says: "subjects[0].name: Required value"),
        Refusal(
            testDescription: "ServiceAccount name with an underscore", path: "/api/v1\(base)/serviceaccounts",
            object: .object(["apiVersion": "v1", "kind": "ServiceAccount", "metadata": .object(["name": "flowtest_agent"])]), status: 422,
            says: #"metadata.name: Invalid value: "flowtest_agent""#),
    ]

    @Test(arguments: refusals) func theServerRefusesIt(_ refusal: Refusal) throws {
        let store = FakeAPIStore()
        let (status, body) = try FakeBuiltinFidelityTests.send(store, "POST", refusal.path, FakeAPIStore.encode(refusal.object))
        #expect(status == refusal.status, "\(body)")
        let message = body["message"]?.string ?? ""
        #expect(message.contains(refusal.says), "\(message)")
        #expect(store.state.withLock { $0.objects.isEmpty }, "nothing is stored")
    }

    /// Each case breaks one thing in a valid object: the valid ones must pass, or a case could
    /// be refused for a reason other than its own.
    @Test func theObjectsTheCasesBreakAreValid() throws {
        let store = FakeAPIStore()
        let valid: [(String, JSONValue)] = [
            ("/api/v1\(Self.base)/pods", Self.pod), ("/api/v1\(Self.base)/services", Self.service),
            ("/apis/coordination.k8s.io/v1\(Self.base)/leases", Self.lease), ("/apis/events.k8s.io/v1\(Self.base)/events", Self.event()),
            ("/apis/rbac.authorization.k8s.io/v1\(Self.base)/roles", Self.role),
            ("/apis/rbac.authorization.k8s.io/v1\(Self.base)/rolebindings", Self.binding),
        ]
        for (path, object) in valid {
            let (status, body) = try FakeBuiltinFidelityTests.send(store, "POST", path, FakeAPIStore.encode(object))
            #expect(status == 201, "\(path): \(body)")
        }
    }
}
