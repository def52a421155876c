import FlowTestShared
import Foundation

/// Resolved InfluxDB export settings; nil from `resolve` when there is no URL.
struct InfluxDBSettings: Sendable, Equatable {
    enum API: String, CaseIterable, Sendable {
        case v1, v2
    }

    var url: URL
    var api: API
    var database: String?
    var retentionPolicy: String?
    var org: String?
    var bucket: String?
    /// v2 (and v1 with token auth): `Authorization: Token ...`.
    var token: String?
    /// v1: basic authentication.
    var username: String?
    var password: String?
    var interval: Duration
    /// Points held while the server is away; beyond it the oldest are dropped and counted.
    var bufferLimit = 100_000

    /// The write endpoint with its query, e.g. `/write?db=flowtest&precision=ns`.
    var writeURL: URL {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        var query: [URLQueryItem]
        switch api {
        case .v1:
            components.path = base + "/write"
            query = [URLQueryItem(name: "db", value: database)]
            if let retentionPolicy { query.append(URLQueryItem(name: "rp", value: retentionPolicy)) }
        case .v2:
            components.path = base + "/api/v2/write"
            query = [URLQueryItem(name: "org", value: org), URLQueryItem(name: "bucket", value: bucket)]
        }
        components.queryItems = query + [URLQueryItem(name: "precision", value: "ns")]
        return components.url!
    }

    static func resolve(_ options: InfluxDBOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> InfluxDBSettings? {
        let url = try resolver.resolveOptional(
            "--influxdb-url", options.influxdbUrl, expected: "an http:// or https:// URL with a host, e.g. http://influxdb:8086"
        ) { text -> URL? in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false,
                url.query == nil
            else { return nil }
            return url
        }
        guard let url else { return nil }
        let api = try resolver.resolve(
            "--influxdb-api", options.influxdbApi, default: API.v1, expected: "v1 or v2", parse: { API(rawValue: $0.lowercased()) })
        let name = { (text: String) -> String? in text.isEmpty || text.contains(where: \.isNewline) ? nil : text }
        var settings = InfluxDBSettings(url: url, api: api, interval: .seconds(10))
        settings.database = try resolver.resolveOptional("--influxdb-database", options.influxdbDatabase, expected: "a database name", parse: name)
        settings.retentionPolicy = try resolver.resolveOptional(
            "--influxdb-retention-policy", options.influxdbRetentionPolicy, expected: "a retention policy name", parse: name)
        settings.org = try resolver.resolveOptional("--influxdb-org", options.influxdbOrg, expected: "an organization name or ID", parse: name)
        settings.bucket = try resolver.resolveOptional("--influxdb-bucket", options.influxdbBucket, expected: "a bucket name", parse: name)
        settings.interval = try resolver.resolve(
            "--influxdb-interval", options.influxdbInterval, default: .seconds(10), expected: "a duration such as 10s, at least 100ms",
            parse: { ValueParsers.duration($0).flatMap { $0 >= .milliseconds(100) ? $0 : nil } })
        // Secrets: from the environment only, and never echoed back in an error.
        settings.token = resolver.environment["FLOWTEST_INFLUXDB_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.username = resolver.environment["FLOWTEST_INFLUXDB_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        settings.password = resolver.environment["FLOWTEST_INFLUXDB_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        switch api {
        case .v1 where settings.database == nil:
            throw ConfigurationError(setting: "--influxdb-database", value: "", expected: "a database for --influxdb-api v1")
        case .v2 where settings.org == nil:
            throw ConfigurationError(setting: "--influxdb-org", value: "", expected: "an organization for --influxdb-api v2")
        case .v2 where settings.bucket == nil:
            throw ConfigurationError(setting: "--influxdb-bucket", value: "", expected: "a bucket for --influxdb-api v2")
        case .v2 where settings.token == nil:
            throw ConfigurationError(setting: "FLOWTEST_INFLUXDB_TOKEN", value: "", expected: "an API token for --influxdb-api v2")
        default:
            break
        }
        if (settings.username == nil) != (settings.password == nil) {
            throw ConfigurationError(
                setting: settings.username == nil ? "FLOWTEST_INFLUXDB_USERNAME" : "FLOWTEST_INFLUXDB_PASSWORD", value: "",
                expected: "FLOWTEST_INFLUXDB_USERNAME and FLOWTEST_INFLUXDB_PASSWORD to be set together")
        }
        return settings
    }
}
