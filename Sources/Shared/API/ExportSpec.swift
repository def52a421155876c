/// Where agents also send their figures, besides the status and their Prometheus endpoint.
public struct ExportSpec: Codable, Sendable, Equatable {
    public var influxDB: InfluxDBExportSpec?

    public init(influxDB: InfluxDBExportSpec? = nil) {
        self.influxDB = influxDB
    }
}
