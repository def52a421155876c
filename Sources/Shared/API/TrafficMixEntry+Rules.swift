extension TrafficMixEntry {
    /// The rules of the built-in patterns, docs/traffic-mix.md's table. Ports and protocols
    /// are the synthetic records' (`flowtest-agent records`); sizes and exchanges are typical of
    /// each protocol's request/response shape, kept small enough for a test's flows to finish.
    static let builtInRules: [String: [TrafficRule]] = [
        // A page load: a small request, a response of a few to tens of kilobytes, a few requests
        // per connection (keep-alive).
        "web": [
            TrafficRule(
                pattern: "web", transport: .tcp, ports: [443, 443, 443, 443, 443, 443, 443, 80, 80, 80],
                requestSize: SizeRange(200...800), responseSize: SizeRange(2_000...65_536), messages: SizeRange(1...10))
        ],
        // One query and its answer, in one datagram each way.
        "dns": [
            TrafficRule(
                pattern: "dns", transport: .udp, ports: [53], requestSize: SizeRange(32...100), responseSize: SizeRange(64...512),
                messages: SizeRange(1...1))
        ],
        // An interactive session: keystrokes and their echoes for the whole lifetime.
        "ssh": [
            TrafficRule(pattern: "ssh", transport: .tcp, ports: [22], requestSize: SizeRange(32...256), responseSize: SizeRange(32...256))
        ],
        // Queries and result sets on MySQL, PostgreSQL, MongoDB and Redis ports.
        "database": [
            TrafficRule(
                pattern: "database", transport: .tcp, ports: [3306, 3306, 3306, 5432, 5432, 5432, 27017, 27017, 6379, 6379],
                requestSize: SizeRange(64...512), responseSize: SizeRange(64...8_192), messages: SizeRange(1...50))
        ],
        // A client's commands and message body, the server's short replies.
        "smtp": [
            TrafficRule(
                pattern: "smtp", transport: .tcp, ports: [25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 587, 587, 587, 587, 587, 587, 587, 465, 465, 465],
                requestSize: SizeRange(32...1_400), responseSize: SizeRange(32...256), messages: SizeRange(5...20))
        ],
        // Half of the flows a control session on 21, half a bulk download on 20.
        "ftp": [
            TrafficRule(
                pattern: "ftp", share: 0.5, transport: .tcp, ports: [21], requestSize: SizeRange(32...128), responseSize: SizeRange(32...256),
                messages: SizeRange(2...10)),
            TrafficRule(
                pattern: "ftp", share: 0.5, transport: .tcp, ports: [20], requestSize: SizeRange(32...32),
                responseSize: SizeRange(65_536...1_048_576), messages: SizeRange(1...1)),
        ],
        "random": [TrafficRule(pattern: "random")],
    ]

    /// The entry's rules: the built-in pattern's, with every field this entry gives replacing it;
    /// a custom pattern is one rule of its own fields.
    public var rules: [TrafficRule] {
        let base = Self.builtInRules[pattern] ?? [TrafficRule(pattern: pattern)]
        return base.enumerated().map { position, rule in
            var rule = rule
            rule.weight = Double(weight) * rule.share
            if let transport = self.protocol { rule.transport = transport }
            // ftp's two ports replace its control and data ports in that order.
            if let ports { rule.ports = ports.count == base.count && base.count > 1 ? [ports[position]] : ports }
            if let requestSize { rule.requestSize = requestSize }
            if let responseSize { rule.responseSize = responseSize }
            if let messages { rule.messages = messages }
            (rule.host, rule.path, rule.dnsName) = (host, path, dnsName)
            return rule
        }
    }
}
