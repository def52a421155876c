import FlowTestShared
import Foundation
import Synchronization
import Testing
@testable import FakeKubernetes

/// The fake API server refuses the built-in objects a real kube-apiserver refuses, with its
/// status codes and words: 400 for what does not decode (a MicroTime without six fractional
/// digits), 422 with one cause per field for what does not validate, 403 for a pod whose
/// service account does not exist. Every difference seen on a real cluster so far was an
/// object the fake accepted and the real server refused.
@Suite("Fake API server: built-in objects validated as kube-apiserver validates them")
struct FakeBuiltinValidationTests {
    private static let namespace = "/namespaces/fixtures"
    private static let pods = "/api/v1\(namespace)/pods"
    private static let events = "/apis/events.k8s.io/v1\(namespace)/events"
    private static let leases = "/apis/coordination.k8s.io/v1\(namespace)/leases"

    private static func post(_ path: String, _ object: JSONValue, store: FakeAPIStore = FakeAPIStore()) throws -> (status: Int, body: JSONValue) {
        try FakeBuiltinFidelityTests.send(store, "POST", path, FakeAPIStore.encode(object))
    }

    /// Fixture 50's request: an events.k8s.io/v1 Event the real server accepted.
    private static func recordedEvent() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Fixture("50").requestBody)
    }

    private static func causes(_ body: JSONValue) -> [JSONValue] {
        body["details"]?["causes"]?.array ?? []
    }

    // MARK: What the brief of this suite asked for, one by one

    @Test func anEventTimeWithThreeFractionalDigitsIsRefusedWith400() throws {
        // What EventRecorder wrote until a real v1.36.2 refused it.
        let event = try Self.recordedEvent().applyingMergePatch(.object(["eventTime": "2026-12-01T09:14:05.768Z"]))
        let store = FakeAPIStore()
        let (status, body) = try Self.post(Self.events, event, store: store)
        #expect(status == 400)
        #expect(body["reason"] == "BadRequest" && body["code"] == 400 && body["status"] == "Failure")
        #expect(body["message"]?.string == """
            Event in version "v1" cannot be handled as a Event: parsing time "2026-12-01T09:14:05.768Z" as \
            "2006-01-02T15:04:05.000000Z07:00": cannot parse ".768Z" as ".000000" (field eventTime)
            """)
        #expect(store.objects(.events, namespace: "fixtures").isEmpty)
    }

    @Test func anEventWithoutReportingControllerIs422NamingTheField() throws {
        let event = try Self.recordedEvent().applyingMergePatch(.object(["reportingController": .null]))
        let (status, body) = try Self.post(Self.events, event)
        #expect(status == 422)
        #expect(body["reason"] == "Invalid")
        #expect(body["details"]?["kind"] == "Event" && body["details"]?["group"] == "events.k8s.io")
        #expect(body["details"]?["name"] == "ft-a.187a1b2c3d4e5f60")
        #expect(Self.causes(body).first == .object(["reason": "FieldValueRequired", "message": "Required value", "field": "reportingController"]))
        #expect(body["message"]?.string?.hasPrefix(#"Event.events.k8s.io "ft-a.187a1b2c3d4e5f60" is invalid: [reportingController: Required value, "#) == true)
    }

    /// Pods mode's headless Service: `clusterIP: None` with a selector is accepted, nothing is
    /// allocated (`None` is its only cluster IP), and its families and policy are defaulted as
    /// for any Service with a selector (kube-apiserver's `initIPFamilyFields`); with no ports
    /// it is accepted too, which a Service with a cluster IP is not.
    @Test(arguments: [
        (JSONValue.object([:]), ["IPv4"], "SingleStack"),
        (.object(["ipFamilies": ["IPv6"], "ipFamilyPolicy": "SingleStack"]), ["IPv6"], "SingleStack"),
        (.object(["ipFamilyPolicy": "RequireDualStack"]), ["IPv4", "IPv6"], "RequireDualStack"),
        (.object(["ports": []]), ["IPv4"], "SingleStack"),
    ])
    func aHeadlessServiceIsAcceptedWithNoneAsItsOnlyClusterIP(_ patch: JSONValue, _ families: [String], _ policy: String) throws {
        let service: JSONValue = .object([
            "apiVersion": "v1", "kind": "Service", "metadata": .object(["name": "ft-a-pods"]),
            "spec": JSONValue.object([
                "clusterIP": "None", "publishNotReadyAddresses": false, "selector": .object(["flowtest.dev/name": "ft-a"]),
                "ports": [.object(["name": "tcp-7000", "port": 7000, "targetPort": 7000])],
            ]).applyingMergePatch(patch),
        ])
        let (status, body) = try Self.post("/api/v1\(Self.namespace)/services", service)
        #expect(status == 201, "\(body)")
        #expect(body["spec"]?["clusterIP"] == "None" && body["spec"]?["clusterIPs"] == ["None"], "\(String(describing: body["spec"]))")
        #expect(body["spec"]?["ipFamilies"] == .array(families.map(JSONValue.string)) && body["spec"]?["ipFamilyPolicy"]?.string == policy)
    }

    @Test func theRecordedEventIsAccepted() throws {
        #expect(try Self.post(Self.events, Self.recordedEvent()).status == 201)
    }

    @Test func aPodWithoutContainersIs422() throws {
        let pod: JSONValue = .object(["apiVersion": "v1", "kind": "Pod", "metadata": .object(["name": "p"]), "spec": .object(["containers": []])])
        let (status, body) = try Self.post(Self.pods, pod)
        #expect(status == 422)
        #expect(body["message"] == #"Pod "p" is invalid: spec.containers: Required value"#)
        #expect(Self.causes(body) == [.object(["reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"])])
        // A core kind: details name the kind, and no group.
        #expect(body["details"]?["kind"] == "Pod" && body["details"]?["group"] == nil)
    }

    // MARK: MicroTime

    @Test func microTimeHasSixDigitsInUTC() throws {
        let date = try Date("2026-12-01T09:14:05.768Z", strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        #expect(MicroTime.string(date) == "2026-12-01T09:14:05.768000Z")
        #expect(MicroTime.string(Date(timeIntervalSince1970: 0.000_001)) == "1970-01-01T00:00:00.000001Z")
        #expect(MicroTime.string(Date(timeIntervalSince1970: 59.999_999_7)) == "1970-01-01T00:01:00.000000Z")
        #expect(MicroTime.date("2026-12-01T09:14:05.768000Z") == date)
    }

    @Test func microTimesOfNowAreAcceptedInEventsAndLeases() throws {
        let now = MicroTime.string(Date())
        #expect(FakeTimeLayout.microTime.parseError(now) == nil, "\(now)")
        let event = try Self.recordedEvent().applyingMergePatch(.object(["eventTime": .string(now)]))
        #expect(try Self.post(Self.events, event).status == 201)
        let lease: JSONValue = .object([
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]),
            "spec": .object(["holderIdentity": "a", "leaseDurationSeconds": 15, "acquireTime": .string(now), "renewTime": .string(now)]),
        ])
        #expect(try Self.post(Self.leases, lease).status == 201)
    }

    // MARK: Updates

    @Test func aBuiltinPutWithoutResourceVersionIsAnUnconditionalUpdate() throws {
        let store = FakeAPIStore()
        let lease: JSONValue = .object(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]), "spec": .object(["holderIdentity": "a"])])
        #expect(try Self.post(Self.leases, lease, store: store).status == 201)
        let renewed = lease.applyingMergePatch(.object(["spec": .object(["holderIdentity": "b"])]))
        let (status, body) = try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(renewed))
        #expect(status == 200 && body["spec"]?["holderIdentity"] == "b")
        // The PUT's body is decoded and validated like a create's.
        let broken = renewed.applyingMergePatch(.object(["spec": .object(["renewTime": "2026-12-01T09:14:05Z"])]))
        #expect(try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(broken)).status == 400)
        let invalid = renewed.applyingMergePatch(.object(["spec": .object(["leaseDurationSeconds": 0])]))
        #expect(try FakeBuiltinFidelityTests.send(store, "PUT", "\(Self.leases)/l", FakeAPIStore.encode(invalid)).status == 422)
    }

    @Test func aMergePatchThatBreaksAMicroTimeIs422OnThePatch() throws {
        let store = FakeAPIStore()
        let lease: JSONValue = .object(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(["name": "l"]), "spec": .object(["holderIdentity": "a"])])
        #expect(try Self.post(Self.leases, lease, store: store).status == 201)
        let (status, body) = try FakeBuiltinFidelityTests.send(
            store, "PATCH", "\(Self.leases)/l", FakeAPIStore.encode(.object(["spec": .object(["renewTime": "2026-12-01T09:14:05.768Z"])])),
            contentType: "application/merge-patch+json")
        #expect(status == 422)
        #expect(Self.causes(body).first?["field"] == "patch")
        #expect(Self.causes(body).first?["message"]?.string?.hasSuffix(#"cannot parse ".768Z" as ".000000" (field spec.renewTime)"#) == true)
    }

    // MARK: Pod sysctls

    /// Fixture 41's pod with `sysctls` in its security context.
    private static func pod(sysctls: [JSONValue], hostNetwork: Bool = false) throws -> JSONValue {
        var spec: [String: JSONValue] = ["securityContext": .object(["sysctls": .array(sysctls)])]
        if hostNetwork { spec["hostNetwork"] = true }
        return try JSONDecoder().decode(JSONValue.self, from: Fixture("41").requestBody).applyingMergePatch(.object(["spec": .object(spec)]))
    }

    @Test func aSafeNamespacedSysctlIsAccepted() throws {
        let pod = try Self.pod(sysctls: [.object(["name": "net.ipv4.ip_unprivileged_port_start", "value": "20"])])
        #expect(try Self.post(Self.pods, pod).status == 201)
    }

    /// `validateSysctls`: a name that is no sysctl, the same name twice, and a network sysctl in
    /// a pod on the host's network, each named by its path.
    @Test(arguments: [
        ([JSONValue.object(["name": "net/ipv4/ip_unprivileged_port_start!", "value": "20"])], false,
            #"spec.securityContext.sysctls[0].name: Invalid value: "net/ipv4/ip_unprivileged_port_start!": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"#),
        ([.object(["value": "20"])], false, "spec.securityContext.sysctls[0].name: Required value"),
        ([.object(["name": "net.ipv4.tcp_syncookies", "value": "1"]), .object(["name": "net.ipv4.tcp_syncookies", "value": "0"])], false,
            #"spec.securityContext.sysctls[1].name: Duplicate value: "net.ipv4.tcp_syncookies""#),
        ([.object(["name": "net.ipv4.ip_unprivileged_port_start", "value": "20"])], true,
            #"spec.securityContext.sysctls[0].name: Invalid value: "net.ipv4.ip_unprivileged_port_start": sysctl "net.ipv4.ip_unprivileged_port_start" not allowed with host net enabled"#),
    ])
    func aBadSysctlIs422NamingIt(sysctls: [JSONValue], hostNetwork: Bool, expected: String) throws {
        let (status, body) = try Self.post(Self.pods, Self.pod(sysctls: sysctls, hostNetwork: hostNetwork))
        #expect(status == 422)
        #expect(body["message"]?.string?.contains(expected) == true, "\(String(describing: body["message"]))")
    }

    /// The kubelet, not the API server, decides which sysctls are safe: a pod asking for one
    /// outside Kubernetes' safe set is admitted by the API and then refused by its node, Failed
    /// with reason SysctlForbidden, and its container never runs.
    @Test func theKubeletRefusesAnUnsafeSysctl() async throws {
        let store = FakeAPIStore()
        // Without its owner reference: the fixture's owner does not exist here, and the garbage
        // collector would take the pod away.
        let pod = try Self.pod(sysctls: [.object(["name": "net.core.somaxconn", "value": "4096"])])
            .applyingMergePatch(.object(["metadata": .object(["ownerReferences": .null])]))
        #expect(try Self.post(Self.pods, pod, store: store).status == 201)
        let ran = Mutex(false)
        let kubelet = FakeKubelet(store: store, container: { _ in
            ran.withLock { $0 = true }
            return true
        })
        let status = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask { await kubelet.run(); return nil }
            let deadline = ContinuousClock.now + .seconds(20)
            var status: JSONValue?
            while ContinuousClock.now < deadline {
                status = store.pods().first?["status"]
                if let phase = status?["phase"], phase != "Pending" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
            return status
        }
        #expect(status?["phase"] == "Failed")
        #expect(status?["reason"] == "SysctlForbidden")
        #expect(status?["message"] == #"Pod forbidden sysctl: "net.core.somaxconn" not allowlisted"#)
        #expect(ran.withLock { $0 } == false)
    }

    // MARK: Pod affinity

    /// `validateAffinity`, each rule by its path and in the server's words.
    @Test(arguments: [
        (JSONValue.object(["nodeAffinity": .object(["requiredDuringSchedulingIgnoredDuringExecution": .object(["nodeSelectorTerms": []])])]),
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"),
        (.object(["nodeAffinity": .object(["requiredDuringSchedulingIgnoredDuringExecution": .object(["nodeSelectorTerms": [
            .object(["matchExpressions": [.object(["key": "kubernetes.io/os", "operator": "In"])]])]])])]),
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"),
        (.object(["nodeAffinity": .object(["preferredDuringSchedulingIgnoredDuringExecution": [
            .object(["weight": 0, "preference": .object(["matchExpressions": [.object(["key": "zone", "operator": "Exists"])]])])]])]),
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100"),
        (.object(["podAntiAffinity": .object(["requiredDuringSchedulingIgnoredDuringExecution": [
            .object(["labelSelector": .object(["matchLabels": .object(["app": "echo"])])])]])]),
            "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty"),
        (.object(["podAffinity": .object(["preferredDuringSchedulingIgnoredDuringExecution": [
            .object(["weight": 10, "podAffinityTerm": .object(["topologyKey": "kubernetes.io/hostname", "labelSelector": .object(["matchExpressions": [
                .object(["key": "app", "operator": "Near", "values": ["x"]])]])])])]])]),
            #"spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator"#),
        (.object(["podAffinity": .object(["requiredDuringSchedulingIgnoredDuringExecution": [
            .object(["topologyKey": "zone", "labelSelector": .object(["matchExpressions": [.object(["key": "rank", "operator": "Gt", "values": ["3"]])]])])]])]),
            #"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator"#),
    ])
    func aBadAffinityIs422NamingIt(affinity: JSONValue, expected: String) throws {
        let pod = try JSONDecoder().decode(JSONValue.self, from: Fixture("41").requestBody).applyingMergePatch(.object(["spec": .object(["affinity": affinity])]))
        let (status, body) = try Self.post(Self.pods, pod)
        #expect(status == 422)
        #expect(body["message"]?.string?.contains(expected) == true, "\(String(describing: body["message"]))")
    }

    /// What the controller writes for generators.avoidEchoNodes is accepted.
    @Test func theGeneratorsAntiAffinityIsAccepted() throws {
        let affinity: JSONValue = .object(["podAntiAffinity": .object(["requiredDuringSchedulingIgnoredDuringExecution": [
            .object(["topologyKey": "kubernetes.io/hostname", "labelSelector": .object(["matchLabels": .object(["flowtest.dev/name": "x", "flowtest.dev/role": "echo"])])]),
        ]])])
        let pod = try JSONDecoder().decode(JSONValue.self, from: Fixture("41").requestBody).applyingMergePatch(.object(["spec": .object(["affinity": affinity])]))
        #expect(try Self.post(Self.pods, pod).status == 201)
    }

    // MARK: RBAC escalation

    /// A Role granting a verb its creator lacks is refused with 403, naming what is missing; one
    /// within the creator's rules is created, and so is a RoleBinding to it. A binding to a Role
    /// beyond the creator's rules is refused too, unless the creator may `bind`.
    @Test func aRoleOrBindingBeyondTheCreatorsRulesIsRefused() throws {
        let store = FakeAPIStore()
        store.grant(token: "c", user: "system:serviceaccount:flowtest:flowtest-controller", rules: [
            FakePolicyRule(apiGroups: ["flowtest.dev"], resources: ["flowtests/status"], verbs: ["get", "patch"]),
            FakePolicyRule(apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["create"]),
        ])
        func post(_ path: String, _ object: JSONValue, token: String) throws -> (status: Int, body: JSONValue) {
            let response = store.handle(
                method: "POST", path: path, query: [:], headers: ["content-type": "application/json", "authorization": "Bearer \(token)"],
                body: FakeAPIStore.encode(object))
            guard case .full(let status, let data, _) = response else { throw FakeBuiltinFidelityTests.FixtureMismatch.notAFullResponse }
            return (status, try JSONDecoder().decode(JSONValue.self, from: data))
        }
        func role(_ name: String, verbs: [JSONValue]) -> JSONValue {
            .object([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": .object(["name": .string(name)]),
                "rules": [.object(["apiGroups": ["flowtest.dev"], "resources": ["flowtests/status"], "verbs": .array(verbs)])],
            ])
        }
        func binding(_ name: String, to role: String) -> JSONValue {
            .object([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": .object(["name": .string(name)]),
                "roleRef": .object(["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(role)]),
                "subjects": [.object(["kind": "ServiceAccount", "name": "agent", "namespace": "fixtures"])],
            ])
        }
        let roles = "/apis/rbac.authorization.k8s.io/v1\(Self.namespace)/roles"
        let bindings = "/apis/rbac.authorization.k8s.io/v1\(Self.namespace)/rolebindings"
        let refused = try post(roles, role("too-much", verbs: ["get", "patch", "update"]), token: "c")
        #expect(refused.status == 403 && refused.body["reason"] == "Forbidden")
        #expect(refused.body["message"]?.string == """
            roles.rbac.authorization.k8s.io "too-much" is forbidden: user "system:serviceaccount:flowtest:flowtest-controller" \
            (groups=["system:serviceaccounts" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:
            {APIGroups:["flowtest.dev"], Resources:["flowtests/status"], Verbs:["update"]}
            """)
        #expect(try post(roles, role("enough", verbs: ["get", "patch"]), token: "c").status == 201)
        #expect(try post(bindings, binding("enough", to: "enough"), token: "c").status == 201)
        // Created by someone the test gave no rules to (the cluster admin), then bound by the holder.
        #expect(try post(roles, role("admin-made", verbs: ["*"]), token: "admin").status == 201)
        #expect(try post(bindings, binding("admin-made", to: "admin-made"), token: "c").status == 403)
    }
}
