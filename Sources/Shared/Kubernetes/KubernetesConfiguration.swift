import Foundation

/// How to reach the API server: its URL, the bearer token, and the default namespace.
///
/// TLS is always verified against the system trust store: URLSession on Linux cannot be given a
/// CA file, so in a pod the namespace's `kube-root-ca.crt` ConfigMap is mounted over
/// /etc/ssl/certs/ca-certificates.crt (see DESIGN.md). There is no way to turn verification off.
public struct KubernetesConfiguration: Sendable {
    public var server: URL
    public var token: BearerToken
    public var namespace: String
    public var userAgent = "flowtest/0.1"

    public init(server: URL, token: BearerToken, namespace: String) {
        self.server = server
        self.token = token
        self.namespace = namespace
    }

    /// The standard paths of a pod's service-account mount.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Inside a pod: KUBERNETES_SERVICE_HOST/PORT, the mounted token (re-read as it rotates) and namespace.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = serviceAccountDirectory
    ) throws(KubernetesConfigurationError) -> KubernetesConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"] else {
            throw KubernetesConfigurationError(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (out of cluster, pass --kubeconfig)")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(port)") else {
            throw KubernetesConfigurationError("KUBERNETES_SERVICE_HOST/PORT do not form a URL: \(host):\(port)")
        }
        let namespaceFile = serviceAccountDirectory + "/namespace"
        guard let namespaceData = FileManager.default.contents(atPath: namespaceFile) else {
            throw KubernetesConfigurationError("cannot read \(namespaceFile): is a service account token mounted in this pod?")
        }
        let namespace = String(decoding: namespaceData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let token = BearerToken.file(serviceAccountDirectory + "/token")
        _ = try token.current()
        return KubernetesConfiguration(server: server, token: token, namespace: namespace)
    }
}
