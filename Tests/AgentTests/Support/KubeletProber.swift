import FakeKubernetes
import FlowTestShared
import Foundation

/// Probes an agent process as the kubelet probes its container: each HTTP probe of the pod's
/// spec first after `initialDelaySeconds` from the container's start, then every
/// `periodSeconds`, each allowed `timeoutSeconds`; a failed probe becomes an `Unhealthy` Warning
/// Event, as the kubelet records it. On a real cluster every agent pod got one at start, because
/// the first probe came before the agent listened.
struct KubeletProber: Sendable {
    let client: KubernetesClient
    let pod: FakeKubelet.Pod
    /// Where the process really serves the probes' named port `metrics`.
    let metricsPort: Int

    /// Probes until cancelled (the container ended or the pod was deleted).
    func run() async {
        await withDiscardingTaskGroup { group in
            for (kind, probe) in pod.probes {
                group.addTask { await probeLoop(kind, probe) }
            }
        }
    }

    private func probeLoop(_ kind: String, _ probe: JSONValue) async {
        guard let path = probe["httpGet"]?["path"]?.string else { return }
        let delay = probe["initialDelaySeconds"]?.number ?? 0
        let period = probe["periodSeconds"]?.number ?? 10
        let timeout = probe["timeoutSeconds"]?.number ?? 1
        do { try await Task.sleep(for: .seconds(delay)) } catch { return }
        while !Task.isCancelled {
            let answer = try? await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)\(path)", timeout: .seconds(timeout))
            if answer?.status != 200, !Task.isCancelled {
                let what = answer.map { "HTTP probe failed with statuscode: \($0.status)" } ?? "Get \"http://127.0.0.1:\(metricsPort)\(path)\": connection refused"
                await recordUnhealthy("\(kind.replacingOccurrences(of: "Probe", with: "").capitalized) probe failed: \(what)")
            }
            do { try await Task.sleep(for: .seconds(period)) } catch { return }
        }
    }

    private func recordUnhealthy(_ note: String) async {
        let event: JSONValue = .object([
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": .object(["generateName": .string("\(pod.name)-"), "namespace": .string(pod.namespace)]),
            "eventTime": .string(MicroTime.string(Date())), "reportingController": "kubelet", "reportingInstance": "fake-node",
            "action": "Probe", "reason": "Unhealthy", "type": "Warning", "note": .string(note),
            "regarding": .object(["apiVersion": "v1", "kind": "Pod", "namespace": .string(pod.namespace), "name": .string(pod.name), "uid": .string(pod.uid)]),
        ])
        let _: JSONValue? = try? await client.create(.events, namespace: pod.namespace, event)
    }
}
