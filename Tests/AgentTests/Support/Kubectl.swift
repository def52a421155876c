import FakeKubernetes
import Foundation

/// The real `kubectl` on this machine, pointed at a fake API server with its own kubeconfig and
/// discovery cache, so that what the README's quick start tells users to run is what the tests run.
struct Kubectl: Sendable {
    let kubeconfig: String
    let cacheDirectory: String

    init(server: FakeAPIServer, token: String, namespace: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfig = directory.appendingPathComponent("config").path
        cacheDirectory = directory.appendingPathComponent("cache").path
        try """
            apiVersion: v1
            kind: Config
            current-context: fake
            contexts: [{name: fake, context: {cluster: fake, user: user, namespace: \(namespace)}}]
            clusters: [{name: fake, cluster: {server: "\(server.url.absoluteString)"}}]
            users: [{name: user, user: {token: \(token)}}]
            """.write(toFile: kubeconfig, atomically: false, encoding: .utf8)
    }

    /// Starts `kubectl arguments...` and returns at once.
    func start(_ arguments: [String]) throws -> AgentProcess {
        try AgentProcess(
            ["kubectl"] + arguments, environment: ["KUBECONFIG": kubeconfig, "KUBECACHEDIR": cacheDirectory],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// Runs `kubectl arguments...` to the end.
    func run(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
        try await start(arguments).finish()
    }

    /// Removes the kubeconfig and the discovery cache.
    func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: kubeconfig).deletingLastPathComponent().path)
    }
}
