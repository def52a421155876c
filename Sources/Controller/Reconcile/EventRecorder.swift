import FlowTestShared
import Foundation
import Logging

/// Records Kubernetes Events about a FlowTest (visible in `kubectl describe flowtest`).
///
/// events.k8s.io/v1, shaped like the recorded fixture 50. An event that cannot be written is
/// logged, never allowed to fail a reconcile.
///
/// The API server validates these strictly (`ValidateEventCreate`): `eventTime` is a MicroTime
/// with exactly six fractional digits, the note at most 1024 bytes, and `generateName` must be
/// a valid name prefix, which `ft-a.` is not (only a trailing dash is allowed).
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
        let event: JSONValue = .object([
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            // The server cuts a prefix to 58 characters and appends five: `ft-a-x7k2q`.
            "metadata": .object(["generateName": .string("\(metadata.name ?? "flowtest")-"), "namespace": .string(namespace)]),
            "eventTime": .string(MicroTime.string(Date())), "reportingController": "flowtest.dev/controller", "reportingInstance": .string(instance),
            "action": "Reconcile", "reason": .string(reason), "type": .string(kind.rawValue), "note": .string(Self.truncated(note, bytes: 1024)),
            "regarding": .object([
                "apiVersion": .string(FlowTest.apiVersion), "kind": .string(FlowTest.kind), "namespace": .string(namespace),
                "name": .string(metadata.name ?? ""), "uid": .string(metadata.uid ?? ""),
            ]),
        ])
        do { _ = try await client.create(.events, namespace: namespace, event) } catch {
            logger.warning("cannot record event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }

    /// The longest prefix of whole characters within `bytes` UTF-8 bytes: the server counts
    /// bytes, and a note cut inside a character would not be valid UTF-8.
    static func truncated(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            used += character.utf8.count
            guard used <= bytes else { break }
            result.append(character)
        }
        return result
    }
}
