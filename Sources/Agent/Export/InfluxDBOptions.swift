import ArgumentParser

/// Where agents write their figures as InfluxDB line protocol. Credentials are read from the
/// environment only (FLOWTEST_INFLUXDB_TOKEN, FLOWTEST_INFLUXDB_USERNAME,
/// FLOWTEST_INFLUXDB_PASSWORD), never from flags: a flag shows in `ps` and in a pod's spec.
struct InfluxDBOptions: ParsableArguments {
    @Option(help: "InfluxDB (or VictoriaMetrics) base URL, http or https, e.g. http://influxdb:8086; unset: no export (env FLOWTEST_INFLUXDB_URL).")
    var influxdbUrl: String?

    @Option(help: "Write API: v1 (/write, database) or v2 (/api/v2/write, org and bucket) (env FLOWTEST_INFLUXDB_API, default v1).")
    var influxdbApi: String?

    @Option(help: "v1: the database (env FLOWTEST_INFLUXDB_DATABASE).")
    var influxdbDatabase: String?

    @Option(help: "v1: the retention policy, default the database's (env FLOWTEST_INFLUXDB_RETENTION_POLICY).")
    var influxdbRetentionPolicy: String?

    @Option(help: "v2: the organization (env FLOWTEST_INFLUXDB_ORG).")
    var influxdbOrg: String?

    @Option(help: "v2: the bucket (env FLOWTEST_INFLUXDB_BUCKET).")
    var influxdbBucket: String?

    @Option(help: "How often to write (env FLOWTEST_INFLUXDB_INTERVAL, default 10s).")
    var influxdbInterval: String?
}
