import Foundation
import FlowTestShared

/// The Kubernetes objects of one FlowTest, as JSON: the echo Services and the agent pods.
struct ChildObjects {
    let flowTest: FlowTest
    let settings: AgentPodSettings
    let names: ChildNames

    init(flowTest: FlowTest, settings: AgentPodSettings) {
        self.flowTest = flowTest
        self.settings = settings
        self.names = ChildNames(flowTest: flowTest.metadata.name ?? "")
    }

    private var namespace: String { flowTest.metadata.namespace ?? "default" }

    /// The agents' metrics and health port: the configured one, or the next free one above it
    /// when the spec's echo ports use it (two listeners on one port crash-loop the echo).
    var metricsPort: Int64 {
        let echoPorts = flowTest.spec.echoPorts
        let taken = Set(echoPorts.tcp + echoPorts.udp)
        var port = Int64(settings.metricsPort)
        while taken.contains(port) { port = port >= 65535 ? 1024 : port + 1 }
        return port
    }

    /// A controller owner reference: deleting the FlowTest garbage-collects the child.
    private var ownerReference: JSONValue {
        .object([
            "apiVersion": .string(FlowTest.apiVersion), "kind": .string(FlowTest.kind), "name": .string(flowTest.metadata.name ?? ""),
            "uid": .string(flowTest.metadata.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ])
    }

    private func metadata(_ name: String, role: String, annotations: [String: String] = [:]) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": .string(namespace),
            "labels": .object(names.labels(role: role).mapValues(JSONValue.string)), "ownerReferences": [ownerReference],
        ]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSONValue.string)) }
        return .object(metadata)
    }

    /// The Service in front of the echo pods, TCP and UDP ports alike.
    var echoService: JSONValue {
        let spec = flowTest.spec
        var serviceSpec = echoServiceSpec
        // Without ipFamilies the cluster's default family (and policy) applies, as before. With
        // two, RequireDualStack: a test that asks for both must not quietly run on one.
        if let families = spec.target.ipFamilies, !families.isEmpty {
            serviceSpec["ipFamilies"] = .array(families.map { .string($0.rawValue) })
            serviceSpec["ipFamilyPolicy"] = families.count > 1 ? "RequireDualStack" : "SingleStack"
        }
        return .object([
            "apiVersion": "v1", "kind": "Service", "metadata": metadata(names.echoService, role: "echo"),
            "spec": .object(serviceSpec),
        ])
    }

    /// Pods mode's headless Service over the echo pods: no cluster IP, and its DNS name answers
    /// with one record per ready echo pod (not-ready ones are left out), which generators look up
    /// again and again instead of carrying every pod's IP in their arguments (DESIGN.md, decision
    /// 7). One family, the test's primary, so that flows run over that family's pod addresses.
    var echoPodsService: JSONValue {
        var serviceSpec = echoServiceSpec
        serviceSpec["clusterIP"] = "None"
        serviceSpec["publishNotReadyAddresses"] = false
        if let primary = flowTest.spec.target.ipFamilies?.first {
            serviceSpec["ipFamilies"] = [.string(primary.rawValue)]
            serviceSpec["ipFamilyPolicy"] = "SingleStack"
        }
        return .object([
            "apiVersion": "v1", "kind": "Service", "metadata": metadata(names.echoPodsService, role: "echo"),
            "spec": .object(serviceSpec),
        ])
    }

    /// What both Services have: the echo pods' selector and every port, TCP and UDP alike.
    private var echoServiceSpec: [String: JSONValue] {
        let echoPorts = flowTest.spec.echoPorts
        let ports = echoPorts.tcp.map { ("tcp", "TCP", $0) } + echoPorts.udp.map { ("udp", "UDP", $0) }
        return [
            "selector": .object(["flowtest.dev/name": .string(names.flowTest), "flowtest.dev/role": "echo"]),
            "ports": .array(ports.map { prefix, proto, port in
                .object(["name": .string("\(prefix)-\(port)"), "protocol": .string(proto), "port": .integer(port), "targetPort": .integer(port)])
            }),
        ]
    }

    func echoPod(_ index: Int) -> JSONValue {
        let spec = flowTest.spec
        let echoPorts = spec.echoPorts
        let containerPorts = echoPorts.tcp.map { ("TCP", $0) } + echoPorts.udp.map { ("UDP", $0) }
        // Readiness gates the generators' start and the Service's endpoints. Liveness restarts an
        // echo that stopped answering for a minute, not one that is merely busy: the endpoint has
        // its own thread. The first probe comes after the agent listens (no Unhealthy at start).
        let probes: [String: JSONValue] = [
            "readinessProbe": probe("/readyz", initialDelay: 1, period: 2, timeout: 2, failureThreshold: 3),
            "livenessProbe": probe("/healthz", initialDelay: 5, period: 10, timeout: 5, failureThreshold: 6),
        ]
        return pod(
            name: names.echoPod(index), role: "echo", restartPolicy: "Always", placement: spec.echo.placement, antiAffinity: nil,
            probes: probes, arguments: ["echo"] + spec.echoArguments(),
            extraPorts: containerPorts.map { proto, port in .object(["containerPort": .integer(port), "protocol": .string(proto)]) },
            sysctls: Self.unprivilegedPortSysctl(lowestPort: containerPorts.map(\.1).min()))
    }

    /// The agent runs as uid 65534 with every capability dropped, so it may bind a port below
    /// 1024 only where the pod's network namespace lowers `ip_unprivileged_port_start`: a
    /// namespaced sysctl that Kubernetes counts as safe (since 1.22), allowed by every Pod
    /// Security level, and lowered exactly to the lowest port the echo listens on.
    static func unprivilegedPortSysctl(lowestPort: Int64?) -> [JSONValue] {
        guard let lowestPort, lowestPort < 1024 else { return [] }
        return [.object(["name": "net.ipv4.ip_unprivileged_port_start", "value": .string(String(lowestPort))])]
    }

    /// A generator pod, sending to `target` (one host, or several separated by commas).
    ///
    /// Generators never restart: a failed one is counted. They have no probes: nothing waits for a
    /// generator to be ready, and a liveness probe can only kill a busy generator and lose its
    /// last figures (seen on a real cluster: 4 of 20 killed mid-test).
    /// `reportDeadline`: the controller's own deadline for the test, until which a generator that
    /// finished on its own keeps retrying its final report.
    func generatorPod(_ index: Int, target: String, reportDeadline: Date? = nil) -> JSONValue {
        let spec = flowTest.spec
        // Keep generators off nodes with this test's echo pods, so every flow crosses the network.
        let antiAffinity: JSONValue? =
            spec.generators.avoidEchoNodes
            ? .object([
                "podAntiAffinity": .object([
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        .object([
                            "topologyKey": "kubernetes.io/hostname",
                            "labelSelector": .object(["matchLabels": .object(["flowtest.dev/name": .string(names.flowTest), "flowtest.dev/role": "echo"])]),
                        ])
                    ]
                ])
            ]) : nil
        return pod(
            name: names.generatorPod(index), role: "generator", restartPolicy: "Never", placement: spec.generators.placement,
            antiAffinity: antiAffinity, probes: [:],
            arguments: ["generate"] + spec.generatorArguments(target: target, seedOffset: Int64(index))
                + spec.podsModeArguments(generatorIndex: Int64(index)) + (reportDeadline.map { ["--report-deadline", FlowTestStatus.timestamp($0)] } ?? []),
            extraPorts: [])
    }

    /// The test's UID, which makes each agent's FlowTestReport owned by the test, and go with it.
    private var ownerVariable: [JSONValue] {
        flowTest.metadata.uid.map { [.object(["name": "FLOWTEST_FLOWTEST_UID", "value": .string($0)])] } ?? []
    }

    /// The export's credentials as `secretKeyRef` environment variables.
    private var exportCredentials: [JSONValue] {
        guard let influx = flowTest.spec.export?.influxDB, let secret = influx.credentialsSecret else { return [] }
        return influx.credentialKeys.map { variable, key in
            .object([
                "name": .string(variable),
                "valueFrom": .object(["secretKeyRef": .object(["name": .string(secret.name), "key": .string(key)])]),
            ])
        }
    }

    private func probe(_ path: String, initialDelay: Int64, period: Int64, timeout: Int64, failureThreshold: Int64) -> JSONValue {
        .object([
            "httpGet": .object(["path": .string(path), "port": "metrics"]), "initialDelaySeconds": .integer(initialDelay),
            "periodSeconds": .integer(period), "timeoutSeconds": .integer(timeout), "failureThreshold": .integer(failureThreshold),
        ])
    }

    private func pod(
        name: String, role: String, restartPolicy: String, placement: PlacementSpec?, antiAffinity: JSONValue?, probes: [String: JSONValue],
        arguments: [String], extraPorts: [JSONValue], sysctls: [JSONValue] = []
    ) -> JSONValue {
        let port = metricsPort
        var container: [String: JSONValue] = [
            "name": "agent", "image": .string(flowTest.spec.image?.agent ?? settings.image),
            "imagePullPolicy": .string(flowTest.spec.image?.pullPolicy ?? settings.pullPolicy),
            "args": .array((arguments + [
                "--metrics-port", String(port), "--log-format", "json",
                "--report-to", "\(namespace)/\(names.flowTest)", "--report-interval", flowTest.spec.reportInterval,
            ] + (flowTest.spec.export?.influxDB?.arguments ?? []) + (flowTest.spec.flowLog?.arguments(role: role) ?? [])).map(JSONValue.string)),
            // The agent's FlowTestReport is named after its pod; its pod UID tells a replaced
            // pod's reports from its predecessor's. Export credentials come from their Secret
            // through the kubelet, so they are in no argument, no log and not in the FlowTest.
            "env": .array([
                .object(["name": "FLOWTEST_AGENT_NAME", "valueFrom": .object(["fieldRef": .object(["fieldPath": "metadata.name"])])]),
                .object(["name": "FLOWTEST_POD_UID", "valueFrom": .object(["fieldRef": .object(["fieldPath": "metadata.uid"])])]),
            ] + ownerVariable + exportCredentials),
            "ports": .array([.object(["name": "metrics", "containerPort": .integer(port), "protocol": "TCP"])] + extraPorts),
            "resources": .object([
                "requests": .object(["cpu": .string(settings.cpuRequest), "memory": .string(settings.memoryRequest)]),
                "limits": .object(["memory": .string(settings.memoryLimit)]),
            ]),
            "securityContext": .object([
                "runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534, "readOnlyRootFilesystem": true,
                "allowPrivilegeEscalation": false, "capabilities": .object(["drop": ["ALL"]]),
            ]),
            // URLSession on Linux trusts only the system store: the cluster CA goes there (DESIGN.md).
            "volumeMounts": [.object(["name": "kube-root-ca", "mountPath": "/etc/ssl/certs/ca-certificates.crt", "subPath": "ca.crt", "readOnly": true])],
        ]
        container.merge(probes) { $1 }
        var podSpec: [String: JSONValue] = [
            "restartPolicy": .string(restartPolicy), "serviceAccountName": .string(ChildNames.agentServiceAccount),
            "securityContext": .object(
                ["seccompProfile": .object(["type": "RuntimeDefault"])].merging(sysctls.isEmpty ? [:] : ["sysctls": .array(sysctls)]) { $1 }),
            "containers": [.object(container)],
            "volumes": [.object(["name": "kube-root-ca", "configMap": .object(["name": "kube-root-ca.crt", "items": [.object(["key": "ca.crt", "path": "ca.crt"])]])])],
            "terminationGracePeriodSeconds": 30,
        ]
        if let nodeSelector = placement?.nodeSelector { podSpec["nodeSelector"] = .object(nodeSelector.mapValues(JSONValue.string)) }
        let tolerations = (placement?.tolerations ?? []).compactMap { try? JSONValue(encoding: $0) } + settings.defaultTolerations
        if !tolerations.isEmpty { podSpec["tolerations"] = .array(tolerations) }
        let affinity = (placement?.affinity ?? .object([:])).applyingMergePatch(antiAffinity ?? .object([:]))
        if affinity != .object([:]) { podSpec["affinity"] = affinity }
        return .object([
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata(name, role: role, annotations: [
                "prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": "/metrics",
            ]),
            "spec": .object(podSpec),
        ])
    }
}
