import FlowTestShared

/// The defaults kube-apiserver fills in while decoding a built-in object (the `SetDefaults_*`
/// functions of k8s.io/kubernetes/pkg/apis/*/v1), before validation sees it: validation then
/// judges what the server will store, and the fake's answers carry the fields a client reads back
/// (fixtures 41, 45, 50: a pod's `restartPolicy`, a port's `protocol`, a Service's `targetPort`).
enum FakeBuiltinDefaults {
    static func applying(to object: JSONValue, kind: FakeBuiltinKind) -> JSONValue {
        switch kind {
        case .pod: pod(object)
        case .service: service(object)
        case .roleBinding: roleBinding(object)
        case .serviceAccount, .coreEvent, .event, .lease, .role: object
        }
    }

    private static func pod(_ object: JSONValue) -> JSONValue {
        object.updating("spec") { spec in
            var spec = spec
            for (key, value) in [
                ("restartPolicy", "Always"), ("dnsPolicy", "ClusterFirst"), ("terminationGracePeriodSeconds", 30),
                ("securityContext", .object([:])), ("schedulerName", "default-scheduler"), ("enableServiceLinks", true),
            ] as [(String, JSONValue)] {
                spec = spec.defaulting(key, to: value)
            }
            spec = spec.updatingItems("containers", container).updatingItems("initContainers", container)
            return spec.updatingItems("volumes") { volume in
                ["configMap", "secret", "projected", "downwardAPI"].reduce(volume) { volume, source in
                    volume.updating(source) { $0.defaulting("defaultMode", to: 420) }
                }
            }
        }
    }

    private static func container(_ container: JSONValue) -> JSONValue {
        var container = container
            .defaulting("terminationMessagePath", to: "/dev/termination-log").defaulting("terminationMessagePolicy", to: "File")
            .defaulting("imagePullPolicy", to: .string(pullPolicy(for: container["image"]?.string ?? "")))
            .defaulting("resources", to: .object([:]))
            .updatingItems("ports") { $0.defaulting("protocol", to: "TCP") }
            .updatingItems("env") { env in env.updating("valueFrom") { $0.updating("fieldRef") { $0.defaulting("apiVersion", to: "v1") } } }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            container = container.updating(probe) { probe in
                probe.defaulting("timeoutSeconds", to: 1).defaulting("periodSeconds", to: 10).defaulting("successThreshold", to: 1)
                    .defaulting("failureThreshold", to: 3)
                    .updating("httpGet") { $0.defaulting("path", to: "/").defaulting("scheme", to: "HTTP") }
            }
        }
        // A limit without a request makes the request equal to it (SetDefaults_Pod).
        return container.updating("resources") { resources in
            guard case .object(let limits)? = resources["limits"] else { return resources }
            var requests = resources["requests"]?.fakeMembers ?? [:]
            for (name, limit) in limits where requests[name] == nil { requests[name] = limit }
            return resources.setting("requests", .object(requests))
        }
    }

    /// `Always` for an image tagged `latest` or not tagged at all; `IfNotPresent` otherwise.
    private static func pullPolicy(for image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastComponent.lastIndex(of: ":") else { return "Always" }
        return lastComponent[lastComponent.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    private static func service(_ object: JSONValue) -> JSONValue {
        object.updating("spec") { spec in
            var spec = spec.defaulting("type", to: "ClusterIP").defaulting("sessionAffinity", to: "None")
            if spec["type"]?.string != "ExternalName" { spec = spec.defaulting("internalTrafficPolicy", to: "Cluster") }
            if ["NodePort", "LoadBalancer"].contains(spec["type"]?.string) { spec = spec.defaulting("externalTrafficPolicy", to: "Cluster") }
            return spec.updatingItems("ports") { port in
                // An unset or zero targetPort is the port itself.
                let target = port["targetPort"]
                let port = port.defaulting("protocol", to: "TCP")
                return target == nil || target == .integer(0) || target == .string("") ? port.setting("targetPort", port["port"]) : port
            }
        }
    }

    private static func roleBinding(_ object: JSONValue) -> JSONValue {
        object.updating("roleRef") { $0.defaulting("apiGroup", to: "rbac.authorization.k8s.io") }
            .updatingItems("subjects") { subject in
                ["User", "Group"].contains(subject["kind"]?.string) ? subject.defaulting("apiGroup", to: "rbac.authorization.k8s.io") : subject
            }
    }
}
