extension ExportSpec {
    /// The schema of `spec.export`.
    public static let schema = Schema.object(
        "Where agents also send their figures, besides the status and their Prometheus endpoint.",
        ["influxDB": InfluxDBExportSpec.schema])
}

extension InfluxDBExportSpec {
    /// Secret keys as the apiserver accepts them (a ConfigMap/Secret key).
    static let secretKey = Schema.pattern(
        "A key of the Secret.", #"^[-._a-zA-Z0-9]+$"#, meaning: "letters, digits, '-', '_' or '.'", maxLength: 253)

    /// The schema of `spec.export.influxDB`, with the rules between its fields.
    public static let schema = Schema.object(
        "Line protocol from every agent, every interval and at the end, to InfluxDB 1.x (v1: /write with database) or 2.x/3.x (v2: /api/v2/write with org and bucket), or VictoriaMetrics (either). Writes never slow the traffic; a server that is away only fills a bounded buffer.",
        required: ["url"],
        rules: [
            ValidationRule(
                cel: "self.apiVersion != 'v1' || has(self.database)", message: "database is required for apiVersion v1", fieldPath: ".database"
            ) { influx in influx["apiVersion"]?.string != "v1" || influx["database"] != nil },
            ValidationRule(
                cel: "self.apiVersion != 'v2' || (has(self.org) && has(self.bucket))", message: "org and bucket are required for apiVersion v2",
                fieldPath: ".bucket"
            ) { influx in influx["apiVersion"]?.string != "v2" || (influx["org"] != nil && influx["bucket"] != nil) },
            ValidationRule(
                cel: "self.apiVersion != 'v2' || (has(self.credentialsSecret) && has(self.credentialsSecret.tokenKey))",
                message: "apiVersion v2 needs credentialsSecret.tokenKey, the Secret key of an API token", fieldPath: ".credentialsSecret"
            ) { influx in influx["apiVersion"]?.string != "v2" || influx["credentialsSecret"]?["tokenKey"] != nil },
            ValidationRule(
                cel: "duration(self.interval) >= duration('1s')", message: "interval must be at least 1s", fieldPath: ".interval"
            ) { influx in (influx["interval"]?.string.flatMap(ValueParsers.duration) ?? .seconds(10)) >= .seconds(1) },
        ],
        [
            "url": .pattern(
                "Base URL of the server, e.g. http://influxdb.monitoring:8086.", #"^https?://[^/?#\s]+(/[^?#\s]*)?$"#,
                meaning: "an http:// or https:// URL with a host and no query", maxLength: 2048),
            "apiVersion": .string("v1 or v2.", enum: APIVersion.allCases.map(\.rawValue), default: "v1"),
            "database": .string("v1: the database.", maxLength: 253),
            "retentionPolicy": .string("v1: the retention policy; default the database's.", maxLength: 253),
            "org": .string("v2: the organization name or ID.", maxLength: 253),
            "bucket": .string("v2: the bucket.", maxLength: 253),
            "interval": .duration("How often each agent writes; at least 1s.", default: "10s"),
            "credentialsSecret": .object(
                "A Secret in the FlowTest's namespace with the credentials: tokenKey (Authorization: Token), or usernameKey and passwordKey (basic auth). The kubelet gives them to the agents as environment variables.",
                required: ["name"],
                rules: [
                    ValidationRule(
                        cel: "has(self.usernameKey) == has(self.passwordKey)", message: "usernameKey and passwordKey must be set together"
                    ) { secret in (secret["usernameKey"] == nil) == (secret["passwordKey"] == nil) },
                ],
                [
                    "name": .string("The Secret's name.", maxLength: 253),
                    "tokenKey": secretKey, "usernameKey": secretKey, "passwordKey": secretKey,
                ]),
        ])
}
