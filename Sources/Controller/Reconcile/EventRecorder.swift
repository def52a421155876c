import FlowTestShared
import Foundation
import Logging

/// Records Kubernetes Events about a FlowTest (visible in `kubectl describe flowtest`).
///
/// events.k8s.io/v1, shaped like the recorded fixture 50. An event that cannot be written is
/// logged, never allowed to fail a reconcile.
struct EventRecorder: Sendable {
    let client: KubernetesClient
    /// This controller instance (its pod name), as `reportingInstance`.
    let instance: String
    let logger: Logger

    enum Kind: String {
        case normal = "Normal"
        case warning = "Warning"
    }

    func record(_ flowTest: FlowTest, _ kind: Kind, reason: String, note: String) async {
        await record(flowTest.metadata, kind, reason: reason, note: note)
    }

    func record(_ metadata: ObjectMeta, _ kind: Kind, reason: String, note: String) async {
        let namespace = metadata.namespace ?? "default"
        let eventTime = Date().formatted(.iso8601.year().month().day().dateTimeSeparator(.standard).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let event: JSONValue = .object([
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": .object(["generateName": .string("\(metadata.name ?? "flowtest")."), "namespace": .string(namespace)]),
            "eventTime": .string(eventTime), "reportingController": "flowtest.dev/controller", "reportingInstance": .string(instance),
            "action": "Reconcile", "reason": .string(reason), "type": .string(kind.rawValue), "note": .string(String(note.prefix(1024))),
            "regarding": .object([
                "apiVersion": .string(FlowTest.apiVersion), "kind": .string(FlowTest.kind), "namespace": .string(namespace),
                "name": .string(metadata.name ?? ""), "uid": .string(metadata.uid ?? ""),
            ]),
        ])
        do { _ = try await client.create(.events, namespace: namespace, event) } catch {
            logger.warning("cannot record event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }
}
