import FlowTestShared

/// What `flowtest-agent records` generates: a YAML or JSON file in FlowGen's spirit.
struct RecordsConfig: Codable, Sendable, Equatable {
    /// How many records; or `span`, how much time their timestamps cover.
    var records: Int64?
    var span: String?
    /// Bit/s of the traffic the records describe: each record's start is the previous one's plus
    /// its bytes at this rate.
    var bandwidth: Int64
    /// RFC 3339 time of the first record.
    var start: String
    var seed: Int64?
    var patterns: [Share]
    var sources: [SubnetShare]
    var destinations: [SubnetShare]
    /// Overrides of every pattern's packets per flow and bytes per packet.
    var packets: Range?
    var packetSize: Range?

    struct Share: Codable, Sendable, Equatable {
        var pattern: String
        /// Percent of the records.
        var weight: Int64
    }

    struct SubnetShare: Codable, Sendable, Equatable {
        var subnet: String
        var weight: Int64
    }

    struct Range: Codable, Sendable, Equatable {
        var min: Int64
        var max: Int64
    }
}
