import Foundation

/// Reads a kubeconfig file: the current (or named) context's server, namespace and credentials.
///
/// Supported credentials are those URLSession on Linux can present: a bearer token (`token` or
/// `tokenFile`), or none for an `http://` server such as `kubectl proxy`. Client certificates and
/// exec plugins are refused with instructions, and so is `insecure-skip-tls-verify`.
public enum KubeconfigLoader {
    public static func load(path: String, context contextName: String? = nil) throws(KubernetesConfigurationError) -> KubernetesConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw KubernetesConfigurationError("cannot read kubeconfig \(path)")
        }
        let document: JSONValue
        do { document = try JSONValue(yaml: text) } catch {
            throw KubernetesConfigurationError("kubeconfig \(path) is not valid YAML: \(error)")
        }
        guard let name = contextName ?? document["current-context"]?.string else {
            throw KubernetesConfigurationError("kubeconfig \(path) has no current-context; pass a context name")
        }
        guard let context = named(name, in: document["contexts"])?["context"] else {
            throw KubernetesConfigurationError("kubeconfig \(path) has no context \"\(name)\"")
        }
        guard let clusterName = context["cluster"]?.string, let cluster = named(clusterName, in: document["clusters"])?["cluster"] else {
            throw KubernetesConfigurationError("kubeconfig \(path): context \"\(name)\" names no known cluster")
        }
        guard let serverText = cluster["server"]?.string, let server = URL(string: serverText), server.scheme != nil else {
            throw KubernetesConfigurationError("kubeconfig \(path): cluster \"\(clusterName)\" has no valid server URL")
        }
        if cluster["insecure-skip-tls-verify"]?.bool == true {
            throw KubernetesConfigurationError(
                "kubeconfig \(path): cluster \"\(clusterName)\" sets insecure-skip-tls-verify; FlowTest never disables TLS verification. Add the cluster's CA to the system trust store, or use `kubectl proxy` and an http://127.0.0.1 server.")
        }
        let user = context["user"]?.string.flatMap { named($0, in: document["users"])?["user"] } ?? .object([:])
        let token = try credentials(user, path: path)
        let namespace = context["namespace"]?.string ?? "default"
        return KubernetesConfiguration(server: server, token: token, namespace: namespace)
    }

    private static func credentials(_ user: JSONValue, path: String) throws(KubernetesConfigurationError) -> BearerToken {
        if user["client-certificate"] != nil || user["client-certificate-data"] != nil || user["client-key-data"] != nil {
            throw KubernetesConfigurationError(
                "kubeconfig \(path): the user authenticates with a client certificate, which URLSession on Linux cannot present. Use a bearer token instead (`kubectl create token <serviceaccount>` into the user's `token` field), or run `kubectl proxy` and point a kubeconfig at http://127.0.0.1:8001.")
        }
        if user["exec"] != nil || user["auth-provider"] != nil {
            throw KubernetesConfigurationError(
                "kubeconfig \(path): the user gets credentials from an exec plugin or auth provider, which is not supported. Use a bearer token (`kubectl create token ...`) or `kubectl proxy`.")
        }
        if let token = user["token"]?.string { return .fixed(token) }
        if let file = user["tokenFile"]?.string { return .file(file) }
        return .none
    }

    /// The entry `{name: ..., <key>: ...}` of a kubeconfig list.
    private static func named(_ name: String, in list: JSONValue?) -> JSONValue? {
        list?.array?.first { $0["name"]?.string == name }
    }
}
