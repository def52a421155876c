import Foundation
import FlowTestShared

extension GeneratorConfiguration {
    /// Resolves every generator setting (flag > `FLOWTEST_*` > default) and checks the rules
    /// that span several settings. The first problem is thrown, naming the setting.
    static func resolve(_ options: GenerateOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> Self {
        var config = GeneratorConfiguration()
        let durationText = "a duration such as 500ms, 2s or 1m"
        config.targets = try resolver.resolve(
            "--target", options.target, default: config.targets, expected: "a host name or IP address, or several separated by commas",
            parse: { text in
                let hosts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
                return hosts.allSatisfy({ ValueParsers.host($0) != nil }) && Set(hosts).count == hosts.count ? hosts : nil
            })
        config.everyAddress = try resolver.resolveSwitch("--every-address", options.everyAddress)
        config.peerWindow = try resolvePeerWindow(options, resolver)
        config.hostsFile = try resolver.resolveOptional(
            "--hosts-file", options.hostsFile, expected: "the path of a readable file in /etc/hosts format",
            parse: { FileManager.default.isReadableFile(atPath: $0) ? $0 : nil })
        config.rate = try resolver.resolve(
            "--rate", options.rate, default: config.rate, expected: "flows per second, a number 0.001...1000000",
            parse: ValueParsers.number(in: 0.001...1_000_000))
        config.maxConcurrent = try resolver.resolve(
            "--max-concurrent", options.maxConcurrent, default: config.maxConcurrent,
            expected: "a whole number 1...10000000", parse: ValueParsers.integer(in: 1...10_000_000))
        config.flowProtocol = try resolver.resolve(
            "--protocol", options.flowProtocol, default: config.flowProtocol,
            expected: ValueParsers.describeChoices(FlowProtocol.self), parse: ValueParsers.choice(FlowProtocol.self))
        config.tcpPorts = try resolver.resolve(
            "--tcp-ports", options.tcpPorts, default: config.tcpPorts,
            expected: "comma-separated distinct ports 1...65535", parse: ValueParsers.portList)
        config.udpPorts = try resolver.resolve(
            "--udp-ports", options.udpPorts, default: config.udpPorts,
            expected: "comma-separated distinct ports 1...65535", parse: ValueParsers.portList)
        config.minDuration = try resolver.resolve(
            "--min-duration", options.minDuration, default: config.minDuration, expected: durationText,
            parse: ValueParsers.duration)
        config.maxDuration = try resolver.resolve(
            "--max-duration", options.maxDuration, default: config.maxDuration, expected: durationText,
            parse: ValueParsers.duration)
        config.pattern = try resolver.resolve(
            "--pattern", options.pattern, default: config.pattern,
            expected: ValueParsers.describeChoices(FlowPattern.self), parse: ValueParsers.choice(FlowPattern.self))
        let timeLimit = try resolver.resolve(
            "--time-limit", options.timeLimit, default: .zero, expected: durationText + " (0 = no limit)",
            parse: ValueParsers.duration)
        config.timeLimit = timeLimit == .zero ? nil : timeLimit
        let flowCount = try resolver.resolve(
            "--flow-count", options.flowCount, default: 0, expected: "a whole number ≥ 0 (0 = no limit)",
            parse: { UInt64($0) })
        config.flowCount = flowCount == 0 ? nil : flowCount
        config.payload = try resolvePayload(options, resolver)
        config.mtu = try resolver.resolve(
            "--mtu", options.mtu, default: config.mtu, expected: "a whole number 68...65535",
            parse: ValueParsers.integer(in: 68...65535))
        let ipv6Target = config.targets.contains { $0.contains(":") }
        config.mss = try resolver.resolveOptional(
            "--mss", options.mss, expected: "a whole number 88...65495 (the kernel's TCP_MAXSEG range)",
            parse: ValueParsers.integer(in: 88...65495))
        config.messageInterval = try resolver.resolve(
            "--message-interval", options.messageInterval,
            default: config.pattern == .continuous ? .milliseconds(10) : config.messageInterval,
            expected: durationText + " (0 = back-to-back)", parse: ValueParsers.duration)
        var systemRandom = SystemRandomNumberGenerator()
        config.seed = try resolver.resolve(
            "--seed", options.seed, default: systemRandom.next(), expected: "a whole number 0...18446744073709551615",
            parse: { UInt64($0) })
        config.connectTimeout = try resolver.resolve(
            "--connect-timeout", options.connectTimeout, default: config.connectTimeout,
            expected: durationText + " greater than 0", parse: { ValueParsers.duration($0).flatMap { $0 > .zero ? $0 : nil } })
        config.responseTimeout = try resolver.resolve(
            "--response-timeout", options.responseTimeout, default: config.responseTimeout,
            expected: durationText + " greater than 0", parse: { ValueParsers.duration($0).flatMap { $0 > .zero ? $0 : nil } })
        config.stallTimeout = try resolver.resolve(
            "--stall-timeout", options.stallTimeout, default: config.stallTimeout,
            expected: durationText + " greater than 0", parse: { ValueParsers.duration($0).flatMap { $0 > .zero ? $0 : nil } })
        config.newConnectionRate = try resolveNewConnectionRate(options, resolver, pattern: config.pattern)
        config.timelineBytes = try resolver.resolve(
            "--timeline-bytes", options.timelineBytes, default: config.timelineBytes,
            expected: "a whole number of bytes \(TimeSeries.minimumByteLimit)...\(TimeSeries.textLimit)",
            parse: ValueParsers.integer(in: TimeSeries.minimumByteLimit...TimeSeries.textLimit))
        config.allowFragmentation = try resolver.resolveSwitch("--allow-fragmentation", options.allowFragmentation)
        if let (source, text) = resolver.raw("--mix", options.mix) { config.mix = try parseMix(text, source: source) }
        config.dedicatedThreads = try resolver.resolveSwitch("--dedicated-threads", options.dedicatedThreads)
        config.monitor = try resolver.resolveSwitch("--monitor", options.monitor)
        config.marking = try resolveMarking(options, resolver, targets: config.targets)
        try config.validate(ipv6Target: ipv6Target)
        return config
    }

    /// Probes of new connections are on by default in the continuous pattern: a drain or a
    /// fail-over often refuses new connections while established ones carry on (or the other way
    /// round), and a user running disruption mode wants both timelines. 10 per second resolves
    /// an outage to 100 ms at a cost no backend notices. Given for another pattern, it is an
    /// error rather than ignored: there are no long-lived flows to measure them next to.
    static let defaultNewConnectionRate = 10.0

    private static func resolveNewConnectionRate(
        _ options: GenerateOptions, _ resolver: SettingResolver, pattern: FlowPattern
    ) throws(ConfigurationError) -> Double? {
        let rate = try resolver.resolve(
            "--new-connection-rate", options.newConnectionRate, default: pattern == .continuous ? defaultNewConnectionRate : 0,
            expected: "new connections per second, a number 0...1000 (0 = none)", parse: ValueParsers.number(in: 0...1000))
        guard rate > 0 else { return nil }
        guard pattern == .continuous else {
            // Only a given value is above 0 here: name where it came from, as it was written.
            let given = resolver.raw("--new-connection-rate", options.newConnectionRate)
            throw ConfigurationError(
                setting: given?.source ?? "--new-connection-rate", value: given?.value ?? String(rate),
                expected: "to be left out (or 0) without --pattern continuous, whose long-lived flows the new connections are measured next to")
        }
        return rate
    }

    /// `--targets-per-generator` with this generator's place among `--generator-count`; nil
    /// without a window. The index must lie below the count.
    private static func resolvePeerWindow(_ options: GenerateOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> PeerWindow? {
        let count = try resolver.resolve(
            "--generator-count", options.generatorCount, default: 1, expected: "a whole number 1...100000",
            parse: ValueParsers.integer(in: 1...100_000))
        let index = try resolver.resolve(
            "--generator-index", options.generatorIndex, default: 0, expected: "a whole number 0...\(count - 1), below --generator-count (\(count))",
            parse: ValueParsers.integer(in: 0...(count - 1)))
        let size = try resolver.resolveOptional(
            "--targets-per-generator", options.targetsPerGenerator, expected: "a whole number 1...100000",
            parse: ValueParsers.integer(in: 1...100_000))
        return size.map { PeerWindow(size: $0, index: index, count: count) }
    }

    /// The mix as `spec.flows.mix` takes it, checked against the same schema, so a flag and a
    /// manifest are refused with the same words; the error names the entry's field.
    private static func parseMix(_ text: String, source: String) throws(ConfigurationError) -> [TrafficRule] {
        let expected = "a list of traffic patterns as spec.flows.mix, e.g. [{pattern: web, weight: 3}, {pattern: dns, weight: 1}]"
        let value: JSONValue
        do { value = try JSONValue(yaml: text) } catch {
            throw ConfigurationError(setting: source, value: text, expected: "\(expected) (\(error))")
        }
        if let problem = SchemaValidator.validate(value, against: TrafficMixEntry.listSchema, path: source).first {
            throw ConfigurationError(setting: problem.field, value: text, expected: "entries valid as spec.flows.mix's (\(problem.message))")
        }
        guard let entries = try? JSONDecoder().decode([TrafficMixEntry].self, from: JSONEncoder().encode(value)), !entries.isEmpty else {
            throw ConfigurationError(setting: source, value: text, expected: "at least one entry: " + expected)
        }
        return entries.flatMap(\.rules)
    }

    private static func resolveMarking(
        _ options: GenerateOptions, _ resolver: SettingResolver, targets: [String]
    ) throws(ConfigurationError) -> FlowMarking {
        var marking = FlowMarking()
        marking.dscp = try resolver.resolveOptional("--dscp", options.dscp, expected: DSCPValue.expected, parse: DSCPValue.init(parsing:))
        marking.scitag = try resolver.resolveOptional("--scitag", options.scitag, expected: SciTag.expected, parse: SciTag.init(parsing:))
        marking.fireflyPort = try resolver.resolveOptional(
            "--firefly-port", options.fireflyPort, expected: "a UDP port 1...65535", parse: ValueParsers.integer(in: 1...65535))
        marking.fireflyCollector = try resolver.resolveOptional(
            "--firefly-collector", options.fireflyCollector, expected: "host:port, an IPv6 address in brackets",
            parse: { $0.range(of: MarkingSpec.collectorPattern, options: .regularExpression) == nil ? nil : $0 })
        if let scitag = marking.scitag, targets.allSatisfy({ ValueParsers.ipAddress($0) != nil && !$0.contains(":") }) {
            // An IPv4 packet has no flow label: the tag would silently go nowhere.
            throw ConfigurationError(setting: "--scitag", value: scitag.description, expected: "an IPv6 target (--target is IPv4 only)")
        }
        if marking.sendsFireflies, marking.scitag == nil {
            throw ConfigurationError(
                setting: marking.fireflyPort != nil ? "--firefly-port" : "--firefly-collector",
                value: marking.fireflyPort.map(String.init) ?? marking.fireflyCollector ?? "", expected: "--scitag too: a firefly announces a SciTag")
        }
        return marking
    }

    private static func resolvePayload(_ options: GenerateOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> PayloadSize {
        let sizeText = "a whole number of bytes 1...16777216"
        let parseSize = ValueParsers.integer(in: 1...16_777_216)
        let fixed = try resolver.resolveOptional("--payload-size", options.payloadSize, expected: sizeText, parse: parseSize)
        let minimum = try resolver.resolveOptional("--min-payload-size", options.minPayloadSize, expected: sizeText, parse: parseSize)
        let maximum = try resolver.resolveOptional("--max-payload-size", options.maxPayloadSize, expected: sizeText, parse: parseSize)
        switch (fixed, minimum, maximum) {
        case (let size?, nil, nil): return .fixed(size)
        case (nil, nil, nil): return .fixed(64)
        case (nil, let low?, let high?):
            guard low <= high else {
                throw ConfigurationError(
                    setting: "--min-payload-size", value: String(low), expected: "at most --max-payload-size (\(high))")
            }
            return .range(min: low, max: high)
        case (nil, _, _):
            throw ConfigurationError(
                setting: minimum == nil ? "--max-payload-size" : "--min-payload-size",
                value: String((minimum ?? maximum)!),
                expected: "--min-payload-size and --max-payload-size to be given together")
        case (let size?, _, _):
            throw ConfigurationError(
                setting: "--payload-size", value: String(size),
                expected: "either --payload-size or --min-payload-size/--max-payload-size, not both")
        }
    }

    /// Rules that involve more than one setting; the error names the setting to change.
    func validate(ipv6Target: Bool) throws(ConfigurationError) {
        if flowProtocol.includesTCP, tcpPorts.isEmpty {
            throw ConfigurationError(setting: "--tcp-ports", value: "", expected: "at least one port for --protocol \(flowProtocol.rawValue)")
        }
        if flowProtocol.includesUDP, udpPorts.isEmpty {
            throw ConfigurationError(setting: "--udp-ports", value: "", expected: "at least one port for --protocol \(flowProtocol.rawValue)")
        }
        if minDuration > maxDuration {
            throw ConfigurationError(
                setting: "--min-duration", value: minDuration.flowTestText, expected: "at most --max-duration (\(maxDuration.flowTestText))")
        }
        if pattern == .continuous {
            // Outages are measured between paced exchanges, over a run with an end.
            if timeLimit == nil {
                throw ConfigurationError(setting: "--time-limit", value: "0", expected: "a duration greater than 0 for --pattern continuous, whose flows live the whole run")
            }
            if messageInterval == .zero {
                throw ConfigurationError(setting: "--message-interval", value: "0", expected: "a duration greater than 0 for --pattern continuous")
            }
            if let flowCount {
                throw ConfigurationError(
                    setting: "--flow-count", value: String(flowCount),
                    expected: "no flow count for --pattern continuous, which holds --max-concurrent flows for the whole run")
            }
        }
        if pattern == .random, maxDuration == .zero {
            throw ConfigurationError(setting: "--max-duration", value: "0", expected: "a duration greater than 0 for --pattern random")
        }
        try validateMix(ipv6Target: ipv6Target)
        guard flowProtocol.includesUDP else { return }
        if payload.minimum < FlowHeader.size {
            throw ConfigurationError(
                setting: payload.minimum == payload.maximum ? "--payload-size" : "--min-payload-size",
                value: String(payload.minimum),
                expected: "at least \(FlowHeader.size) bytes for UDP, room for the measurement header")
        }
        let limit = Self.udpPayloadLimit(mtu: mtu, ipv6: ipv6Target)
        if !allowFragmentation, payload.maximum > limit {
            throw ConfigurationError(
                setting: payload.minimum == payload.maximum ? "--payload-size" : "--max-payload-size",
                value: String(payload.maximum),
                expected: "at most \(limit) bytes, the UDP payload that fits --mtu \(mtu) over IP\(ipv6Target ? "v6" : "v4") (or --allow-fragmentation)")
        }
        if payload.maximum > 65507 {
            throw ConfigurationError(
                setting: payload.minimum == payload.maximum ? "--payload-size" : "--max-payload-size",
                value: String(payload.maximum), expected: "at most 65507 bytes, the largest UDP datagram")
        }
    }

    /// A mix's UDP kinds must fit a datagram, and the MTU unless fragmentation is allowed; a kind
    /// that takes the run's ports needs some.
    private func validateMix(ipv6Target: Bool) throws(ConfigurationError) {
        guard let mix else { return }
        if pattern == .continuous {
            throw ConfigurationError(setting: "--mix", value: "", expected: "no mix for --pattern continuous, whose flows all live the whole run")
        }
        let limit = Self.udpPayloadLimit(mtu: mtu, ipv6: ipv6Target)
        for rule in mix {
            let transports = rule.transport.map { [$0] } ?? flowProtocol.transports
            if rule.ports == nil, transports.contains(where: { ($0 == .tcp ? tcpPorts : udpPorts).isEmpty }) {
                throw ConfigurationError(setting: "--mix", value: rule.pattern, expected: "ports for pattern \(rule.pattern), or --tcp-ports/--udp-ports for it to use")
            }
            // A sized request carries the 32-byte header: `random` with a responseSize of its own
            // takes its requests from the payload setting, which must leave room for it.
            if rule.responseSize != nil, (rule.requestSize?.min ?? Int64(payload.minimum)) < TrafficMixEntry.smallestMessage {
                throw ConfigurationError(
                    setting: "--mix", value: "\(rule.pattern).responseSize",
                    expected: "requests of at least \(TrafficMixEntry.smallestMessage) bytes (a requestSize, or a payload size) for a pattern that asks for a response size")
            }
            guard transports.contains(.udp) else { continue }
            for (field, size) in [("requestSize", rule.requestSize), ("responseSize", rule.responseSize)] {
                guard let size else { continue }
                if size.max > 65507 || (!allowFragmentation && size.max > limit) {
                    throw ConfigurationError(
                        setting: "--mix", value: "\(rule.pattern).\(field).max \(size.max)",
                        expected: "at most \(allowFragmentation ? 65507 : limit) bytes for a UDP pattern (the datagram that fits --mtu \(mtu)\(allowFragmentation ? "" : ", or --allow-fragmentation"))")
                }
            }
        }
    }
}
