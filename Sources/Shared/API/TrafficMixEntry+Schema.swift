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
            },
            ValidationRule(cel: "!has(self.host) || self.pattern in ['web', 'smtp']", message: "host applies to the web and smtp patterns only", fieldPath: ".host") {
                entry in entry["host"] == nil || ["web", "smtp"].contains(entry["pattern"]?.string ?? "")
            },
            ValidationRule(cel: "!has(self.path) || self.pattern == 'web'", message: "path applies to the web pattern only", fieldPath: ".path") { entry in
                entry["path"] == nil || entry["pattern"]?.string == "web"
            },
            ValidationRule(cel: "!has(self.dnsName) || self.pattern == 'dns'", message: "dnsName applies to the dns pattern only", fieldPath: ".dnsName") {
                entry in entry["dnsName"] == nil || entry["pattern"]?.string == "dns"
            },
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
            "host": .pattern(
                "web: the HTTP Host header and the TLS server name (SNI) of its flows; smtp: the mail domain. What an L7 policy's host or serverNames rule matches. Default www.flowtest.example.",
                dnsName, meaning: "a lower-case DNS name such as shop.example.com", maxLength: 253),
            "path": .pattern(
                "web: the path its HTTP requests ask for, what an L7 policy's path rule matches. Default /flowtest.", "^/[!-~]*$",
                meaning: "an absolute path of printable characters without spaces, such as /api/v1/items", maxLength: 1024),
            "dnsName": .pattern(
                "dns: the name its queries ask for (TXT records), what a toFQDNs rule matches. Default dns.flowtest.example.", dnsName,
                meaning: "a lower-case DNS name such as db.example.com", maxLength: 253),
        ])

    /// A DNS name as RFC 1123 allows it: labels of letters, digits and '-', at most 63 each.
    static let dnsName = "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"

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
