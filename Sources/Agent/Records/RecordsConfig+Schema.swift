import FlowTestShared
import Foundation

extension RecordsConfig {
    /// The config's schema: unknown fields, types and ranges get the same field-path errors as a
    /// FlowTest; the rules below check what a schema cannot (subnets, shares, times).
    static let schema: Schema = .object(
        "A synthetic flow records config.", required: ["bandwidth", "start", "patterns", "sources", "destinations"],
        rules: [
            ValidationRule(cel: "has(self.records) != has(self.span)", message: "set exactly one of records and span", fieldPath: ".records") {
                ($0["records"] == nil) != ($0["span"] == nil)
            },
            sharesAddUp("patterns"), sharesAddUp("sources"), sharesAddUp("destinations"),
        ],
        [
            "records": .integer("How many records to write.", minimum: 1),
            "span": .duration("How much time the records' timestamps cover; they stop once it is reached."),
            "bandwidth": .integer("Bit/s of the traffic: timestamps advance by each record's bytes at this rate.", minimum: 1),
            "start": .pattern("RFC 3339 time of the first record.", #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"#, meaning: "an RFC 3339 time such as 2026-12-01T00:00:00Z", maxLength: 40),
            "seed": .integer("Seed: the same seed and config give byte-identical output.", minimum: 0),
            "patterns": .array(
                "Traffic patterns and their percent of the records.",
                of: .object("A pattern's share.", required: ["pattern", "weight"], [
                    "pattern": .string("Pattern name.", enum: RecordPattern.all.map(\.name)),
                    "weight": .integer("Percent of the records.", minimum: 0, maximum: 100),
                ]), maxItems: 64),
            "sources": subnetShares("Source subnets and their percent of the records."),
            "destinations": subnetShares("Destination subnets and their percent of the records."),
            "packets": range("Packets per flow, for every pattern (default: each pattern's own).", minimum: 1, maximum: 1_000_000),
            "packetSize": range("Bytes per packet, for every pattern (default: each pattern's own).", minimum: 20, maximum: 65_535),
        ])

    private static func subnetShares(_ description: String) -> Schema {
        .array(
            description,
            of: .object("A subnet's share.", required: ["subnet", "weight"], [
                "subnet": .string("IPv4 or IPv6 subnet in CIDR notation, such as 10.0.0.0/16 or 2001:db8::/48.", maxLength: 64),
                "weight": .integer("Percent of the records.", minimum: 0, maximum: 100),
            ]), maxItems: 256)
    }

    private static func range(_ description: String, minimum: Int64, maximum: Int64) -> Schema {
        .object(
            description, required: ["min", "max"],
            rules: [ValidationRule(cel: "self.min <= self.max", message: "min must not exceed max", fieldPath: ".min") { range in
                guard let low = range["min"]?.number, let high = range["max"]?.number else { return true }
                return low <= high
            }],
            [
                "min": .integer("Smallest.", minimum: minimum, maximum: maximum),
                "max": .integer("Largest.", minimum: minimum, maximum: maximum),
            ])
    }

    private static func sharesAddUp(_ field: String) -> ValidationRule {
        ValidationRule(cel: "self.\(field).map(s, s.weight).sum() == 100", message: "weights must add up to 100", fieldPath: ".\(field)") { config in
            guard case .array(let shares)? = config[field] else { return true }
            return shares.reduce(0.0) { $0 + ($1["weight"]?.number ?? 0) } == 100
        }
    }

    /// Reads and validates a config; every problem is one line naming its field.
    static func load(_ path: String) throws(RecordsConfigError) -> RecordsConfig {
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw RecordsConfigError(file: path, problems: ["cannot read the file"]) }
            text = String(decoding: data, as: UTF8.self)
        }
        let json: JSONValue
        do { json = try JSONValue(yaml: text) } catch { throw RecordsConfigError(file: path, problems: ["not valid YAML or JSON: \(error)"]) }
        var problems = SchemaValidator.validate(json, against: schema, path: "").map(\.description)
        guard problems.isEmpty else { throw RecordsConfigError(file: path, problems: problems) }
        let config: RecordsConfig
        do { config = try JSONDecoder().decode(RecordsConfig.self, from: try JSONEncoder().encode(json)) } catch {
            throw RecordsConfigError(file: path, problems: ["\(error)"])
        }
        for (field, shares) in [("sources", config.sources), ("destinations", config.destinations)] {
            for (index, share) in shares.enumerated() where Subnet(share.subnet) == nil {
                problems.append("\(field)[\(index)].subnet: Invalid value: \"\(share.subnet)\": expected a subnet in CIDR notation, such as 10.0.0.0/16 or 2001:db8::/48")
            }
        }
        // Both ends of a record are of one family, so each family a side uses needs the other side.
        let families = { (shares: [SubnetShare]) in Set(shares.filter { $0.weight > 0 }.compactMap { Subnet($0.subnet)?.isIPv6 }) }
        for family in families(config.sources).subtracting(families(config.destinations)) {
            problems.append("destinations: Invalid value: no \(family ? "IPv6" : "IPv4") subnet with a weight, but the sources have one")
        }
        if let start = config.startNanoseconds {
            // Records are formatted as unsigned nanoseconds since 1970 (RecordFormatter).
            if start < 0 { problems.append("start: Invalid value: \"\(config.start)\": must be 1970-01-01T00:00:00Z or later") }
        } else {
            problems.append("start: Invalid value: \"\(config.start)\": expected an RFC 3339 time such as 2026-12-01T00:00:00Z")
        }
        guard problems.isEmpty else { throw RecordsConfigError(file: path, problems: problems) }
        return config
    }

    /// `start` in Unix nanoseconds.
    var startNanoseconds: Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: start) ?? plain.date(from: start) else { return nil }
        // Whole seconds from the date, the fraction from the text, so nanoseconds are exact.
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var fraction: Int64 = 0
        if let dot = start.firstIndex(of: ".") {
            let digits = start[start.index(after: dot)...].prefix { $0.isNumber }
            fraction = Int64(digits.padding(toLength: 9, withPad: "0", startingAt: 0)) ?? 0
        }
        return seconds * 1_000_000_000 + fraction
    }
}
