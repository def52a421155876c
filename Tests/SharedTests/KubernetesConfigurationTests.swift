import FlowTestShared
import Foundation
import Testing

@Suite("Kubernetes configuration: in cluster and from kubeconfig")
struct KubernetesConfigurationTests {
    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func kubeconfig(cluster: String, user: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: test
        contexts:
        - name: test
          context: {cluster: c, user: u, namespace: flows}
        clusters:
        - name: c
          cluster:
        \(cluster)
        users:
        - name: u
          user:
        \(user)
        """
    }

    @Test func aBearerTokenKubeconfig() throws {
        let path = try temporaryFile(kubeconfig(cluster: "    server: https://10.0.0.1:6443", user: "    token: abc"))
        let configuration = try KubeconfigLoader.load(path: path)
        #expect(configuration.server.absoluteString == "https://10.0.0.1:6443")
        #expect(configuration.namespace == "flows")
        #expect(try configuration.token.current() == "abc")
    }

    @Test func kubectlProxyNeedsNoCredentials() throws {
        let path = try temporaryFile(kubeconfig(cluster: "    server: http://127.0.0.1:8001", user: "    {}"))
        let configuration = try KubeconfigLoader.load(path: path)
        #expect(try configuration.token.current() == nil)
    }

    @Test(arguments: [
        ("    server: https://x:6443", "    client-certificate-data: AAAA\n    client-key-data: BBBB", "client certificate"),
        ("    server: https://x:6443", "    exec: {command: aws}", "exec plugin"),
        ("    server: https://x:6443\n    insecure-skip-tls-verify: true", "    token: t", "never disables TLS verification"),
    ])
    func unsupportedKubeconfigsSayWhatToDoInstead(cluster: String, user: String, phrase: String) throws {
        let path = try temporaryFile(kubeconfig(cluster: cluster, user: user))
        #expect(throws: KubernetesConfigurationError.self) {
            do { _ = try KubeconfigLoader.load(path: path) } catch {
                #expect("\(error)".contains(phrase), "\(error)")
                #expect("\(error)".contains("kubectl"), "says what to do: \(error)")
                throw error
            }
        }
    }

    @Test func inClusterReadsTheServiceAccountMount() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "token-1".write(to: directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try "flowtest-system".write(to: directory.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        let configuration = try KubernetesConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: directory.path)
        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
        #expect(configuration.namespace == "flowtest-system")
        #expect(try configuration.token.current() == "token-1")
        #expect(throws: KubernetesConfigurationError.self) {
            try KubernetesConfiguration.inCluster(environment: [:], serviceAccountDirectory: directory.path)
        }
    }
}
