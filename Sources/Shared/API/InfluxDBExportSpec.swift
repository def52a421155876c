/// `spec.export.influxDB`: line protocol from every agent to InfluxDB 1.x/2.x or VictoriaMetrics,
/// the same settings as the agents' `--influxdb-*` flags. Credentials come from a Secret, which
/// the kubelet hands to the agents as environment variables: they never appear in the FlowTest,
/// in pod arguments or in logs.
public struct InfluxDBExportSpec: Codable, Sendable, Equatable {
    public enum APIVersion: String, Codable, Sendable, CaseIterable {
        case v1, v2
    }

    /// Keys of a Secret in the FlowTest's namespace.
    public struct CredentialsSecret: Codable, Sendable, Equatable {
        public var name: String
        public var tokenKey: String?
        public var usernameKey: String?
        public var passwordKey: String?

        public init(name: String, tokenKey: String? = nil, usernameKey: String? = nil, passwordKey: String? = nil) {
            self.name = name
            self.tokenKey = tokenKey
            self.usernameKey = usernameKey
            self.passwordKey = passwordKey
        }
    }

    public var url: String
    public var apiVersion: APIVersion = .v1
    public var database: String?
    public var retentionPolicy: String?
    public var org: String?
    public var bucket: String?
    public var interval: String = "10s"
    public var credentialsSecret: CredentialsSecret?

    public init(url: String) {
        self.url = url
    }

    /// The agents' `--influxdb-*` flags for these settings (credentials excepted).
    public var arguments: [String] {
        var arguments = ["--influxdb-url", url, "--influxdb-api", apiVersion.rawValue, "--influxdb-interval", interval]
        for (flag, value) in [("--influxdb-database", database), ("--influxdb-retention-policy", retentionPolicy), ("--influxdb-org", org), ("--influxdb-bucket", bucket)] {
            if let value { arguments += [flag, value] }
        }
        return arguments
    }

    /// The credentials' environment variables and the Secret keys they come from.
    public var credentialKeys: [(variable: String, key: String)] {
        guard let secret = credentialsSecret else { return [] }
        return [("FLOWTEST_INFLUXDB_TOKEN", secret.tokenKey), ("FLOWTEST_INFLUXDB_USERNAME", secret.usernameKey), ("FLOWTEST_INFLUXDB_PASSWORD", secret.passwordKey)]
            .compactMap { variable, key in key.map { (variable, $0) } }
    }
}
