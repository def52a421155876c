extension TrafficMixEntry {
    /// The schema of `spec.flows.mix`: at most eight entries, so per-pattern figures and metric
    /// labels stay bounded, each pattern at most once.
    public static let listSchema: Schema = {
        var list = Schema.array(
            "Traffic patterns and their shares of the flows. Each flow draws its pattern by weight; the pattern fixes its protocol, destination port, request and response sizes and number of exchanges. Built-in: web, dns, ssh, database, smtp, ftp, random (rules in docs/traffic-mix.md); any other name is a custom pattern that gives protocol, ports, requestSize and responseSize. Fields given on a built-in pattern replace its rule.",
            of: schema, maxItems: 8, listType: "map")
        list.listMapKeys = ["pattern"]
        return list
    }()

    static let builtInList = builtInPatterns.map { "'\($0)'" }.joined(separator: ", ")

    /// The schema of one entry.
    public static let schema = Schema.object(
        "One traffic pattern of the mix.",
        required: ["pattern", "weight"],
        rules: [
            ValidationRule(
                cel: "self.pattern in [\(builtInList)] || (has(self.protocol) && has(self.ports) && has(self.requestSize) && has(self.responseSize))",
                message: "a custom pattern (not one of \(builtInPatterns.joined(separator: ", "))) must give protocol, ports, requestSize and responseSize"
            ) { entry in
                guard let name = entry["pattern"]?.string, !builtInPatterns.contains(name) else { return true }
                return ["protocol", "ports", "requestSize", "responseSize"].allSatisfy { entry[$0] != nil }
            }
        ],
        [
            "pattern": .pattern(
                "A built-in pattern's name, or a custom pattern's (lower case letters, digits and '-'); it labels the pattern's figures.",
                "^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$", meaning: "a name of lower case letters, digits and '-', such as web or kafka", maxLength: 32),
            "weight": .integer("Share of the flows, relative to the other entries' weights.", minimum: 1, maximum: 1_000_000),
            "protocol": .string("Transport of the pattern's flows.", enum: ["tcp", "udp"]),
            "ports": .array(
                "Destination ports; the pattern's flows take them in turn. The echo servers listen on them and the Service exposes them.",
                of: .integer("A port.", minimum: 1, maximum: 65535), maxItems: 8, listType: "set"),
            "requestSize": sizeRange("Bytes per request message (at least 32: the header that asks for the response's size)."),
            "responseSize": sizeRange("Bytes per response message (at least 32: the echoed header)."),
            "messages": countRange("Request/response exchanges per flow; the flow ends after them. Default: exchanges until its lifetime ends."),
        ])

    static func sizeRange(_ description: String) -> Schema {
        range(description, minimum: smallestMessage, maximum: 16_777_216)
    }

    static func countRange(_ description: String) -> Schema {
        range(description, minimum: 1, maximum: 1_000_000_000)
    }

    private static func range(_ description: String, minimum: Int64, maximum: Int64) -> Schema {
        .object(
            description, required: ["min", "max"],
            rules: [
                ValidationRule(cel: "self.min <= self.max", message: "min must not be larger than max", fieldPath: ".min") { range in
                    guard let low = range["min"]?.number, let high = range["max"]?.number else { return true }
                    return low <= high
                }
            ],
            [
                "min": .integer("Smallest value.", minimum: minimum, maximum: maximum),
                "max": .integer("Largest value.", minimum: minimum, maximum: maximum),
            ])
    }
}
