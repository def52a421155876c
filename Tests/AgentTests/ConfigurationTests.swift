import FlowTestShared
import Testing
@testable import FlowTestAgent

@Suite("Configuration: flags, FLOWTEST_* variables and validation")
struct ConfigurationTests {
    private func generator(_ arguments: [String], environment: [String: String] = [:]) throws -> GeneratorConfiguration {
        try GeneratorConfiguration.resolve(GenerateOptions.parse(arguments), SettingResolver(environment: environment))
    }

    @Test func marksFromTheSpecReachBothRolesAsFlags() throws {
        var spec = FlowTestSpec(flows: FlowsSpec(rate: 10))
        spec.flows.marking = MarkingSpec(
            dscp: DSCPValue(codePoint: 34), scitag: SciTag(experiment: 65, activity: 2), fireflies: FireflySpec(port: 514, collector: "[::1]:9999"))
        let generator = try generator(spec.generatorArguments(target: "::1"))
        #expect(generator.marking == FlowMarking(
            dscp: DSCPValue(codePoint: 34), scitag: SciTag(experiment: 65, activity: 2), fireflyPort: 514, fireflyCollector: "[::1]:9999"))
        let echo = try EchoConfiguration.resolve(EchoOptions.parse(spec.echoArguments()), SettingResolver(environment: [:]))
        #expect(echo.expectation == MarkExpectation(dscp: DSCPValue(codePoint: 34), scitag: SciTag(experiment: 65, activity: 2)))
        #expect(echo.fireflyPort == 514)
        // Without marking, neither role does any marking work.
        let plain = FlowTestSpec(flows: FlowsSpec(rate: 10))
        #expect(try self.generator(plain.generatorArguments(target: "::1")).marking.isEnabled == false)
        #expect(try EchoConfiguration.resolve(EchoOptions.parse(plain.echoArguments()), SettingResolver(environment: [:])).expectation == nil)
    }

    @Test func defaultsMatchTheDocumentedOnes() throws {
        let config = try generator(["--seed", "1"])
        #expect(config.target == "localhost")
        #expect(config.rate == 10)
        #expect(config.maxConcurrent == 100)
        #expect(config.flowProtocol == .both)
        #expect(config.pattern == .random)
        #expect(config.payload == .fixed(64))
        #expect(config.mss == nil)
        #expect(config.timeLimit == nil && config.flowCount == nil)
    }

    @Test func flagWinsOverEnvironmentWhichWinsOverDefault() throws {
        let environment = ["FLOWTEST_RATE": "25", "FLOWTEST_MAX_CONCURRENT": "7", "FLOWTEST_PROTOCOL": "udp"]
        let config = try generator(["--rate", "50"], environment: environment)
        #expect(config.rate == 50)
        #expect(config.maxConcurrent == 7)
        #expect(config.flowProtocol == .udp)
    }

    @Test func everyOptionHasItsVariable() throws {
        let environment = [
            "FLOWTEST_TARGET": "echo.flowtest.svc", "FLOWTEST_TCP_PORTS": "80,443", "FLOWTEST_UDP_PORTS": "53",
            "FLOWTEST_MIN_DURATION": "250ms", "FLOWTEST_MAX_DURATION": "2s", "FLOWTEST_PATTERN": "constant",
            "FLOWTEST_TIME_LIMIT": "1m", "FLOWTEST_FLOW_COUNT": "99", "FLOWTEST_MIN_PAYLOAD_SIZE": "100",
            "FLOWTEST_MAX_PAYLOAD_SIZE": "1000", "FLOWTEST_MTU": "9000", "FLOWTEST_MSS": "1200",
            "FLOWTEST_MESSAGE_INTERVAL": "0", "FLOWTEST_SEED": "7", "FLOWTEST_ALLOW_FRAGMENTATION": "true",
            "FLOWTEST_MONITOR": "yes", "FLOWTEST_CONNECT_TIMEOUT": "3s", "FLOWTEST_RESPONSE_TIMEOUT": "500ms",
        ]
        let config = try generator([], environment: environment)
        #expect(config.target == "echo.flowtest.svc")
        #expect(config.tcpPorts == [80, 443] && config.udpPorts == [53])
        #expect(config.minDuration == .milliseconds(250) && config.maxDuration == .seconds(2))
        #expect(config.pattern == .constant)
        #expect(config.timeLimit == .seconds(60) && config.flowCount == 99)
        #expect(config.payload == .range(min: 100, max: 1000))
        #expect(config.mtu == 9000 && config.mss == 1200)
        #expect(config.messageInterval == .zero && config.seed == 7)
        #expect(config.allowFragmentation && config.monitor)
        #expect(config.connectTimeout == .seconds(3) && config.responseTimeout == .milliseconds(500))
    }

    @Test func theMSSIsAppliedOnlyWhenGiven() throws {
        // The MTU bounds UDP payloads; it never clamps TCP segments behind the user's back.
        #expect(try generator(["--mtu", "1400"]).mss == nil)
        #expect(try generator(["--mtu", "1400", "--mss", "1000"]).mss == 1000)
    }

    @Test func udpPayloadLimitFollowsTheMTU() throws {
        #expect(try generator(["--payload-size", "1472"]).payload == .fixed(1472))
        #expect(throws: ConfigurationError.self) { try generator(["--payload-size", "1473"]) }
        #expect(try generator(["--payload-size", "1473", "--allow-fragmentation"]).payload == .fixed(1473))
        // IPv6 headers are 20 bytes larger.
        #expect(throws: ConfigurationError.self) { try generator(["--payload-size", "1453", "--target", "::1"]) }
        // TCP alone is not bound by the UDP limit.
        #expect(try generator(["--payload-size", "60000", "--protocol", "tcp"]).payload == .fixed(60000))
    }

    /// Each bad input, and the exact line the user sees.
    @Test(arguments: [
        (["--rate", "abc"], [:], #"invalid value "abc" for --rate: expected flows per second, a number 0.001...1000000"#),
        (["--rate", "0"], [:], #"invalid value "0" for --rate: expected flows per second, a number 0.001...1000000"#),
        ([], ["FLOWTEST_RATE": "-3"], #"invalid value "-3" for FLOWTEST_RATE: expected flows per second, a number 0.001...1000000"#),
        (["--max-concurrent", "0"], [:], #"invalid value "0" for --max-concurrent: expected a whole number 1...10000000"#),
        (["--protocol", "icmp"], [:], #"invalid value "icmp" for --protocol: expected one of tcp, udp, both"#),
        (["--pattern", "bursty"], [:], #"invalid value "bursty" for --pattern: expected one of constant, random, continuous"#),
        (["--tcp-ports", "80,80"], [:], #"invalid value "80,80" for --tcp-ports: expected comma-separated distinct ports 1...65535"#),
        (["--udp-ports", "70000"], [:], #"invalid value "70000" for --udp-ports: expected comma-separated distinct ports 1...65535"#),
        (["--protocol", "udp", "--udp-ports", ""], [:], #"invalid value "" for --udp-ports: expected at least one port for --protocol udp"#),
        (["--min-duration", "soon"], [:], #"invalid value "soon" for --min-duration: expected a duration such as 500ms, 2s or 1m"#),
        (["--min-duration", "5s", "--max-duration", "2s"], [:], #"invalid value "5s" for --min-duration: expected at most --max-duration (2s)"#),
        (["--time-limit=-1s"], [:], #"invalid value "-1s" for --time-limit: expected a duration such as 500ms, 2s or 1m (0 = no limit)"#),
        (["--flow-count", "many"], [:], #"invalid value "many" for --flow-count: expected a whole number ≥ 0 (0 = no limit)"#),
        (["--payload-size", "0"], [:], #"invalid value "0" for --payload-size: expected a whole number of bytes 1...16777216"#),
        (["--payload-size", "10"], [:], #"invalid value "10" for --payload-size: expected at least 24 bytes for UDP, room for the measurement header"#),
        (["--min-payload-size", "900", "--max-payload-size", "100"], [:], #"invalid value "900" for --min-payload-size: expected at most --max-payload-size (100)"#),
        (["--min-payload-size", "100"], [:], #"invalid value "100" for --min-payload-size: expected --min-payload-size and --max-payload-size to be given together"#),
        (["--payload-size", "10", "--max-payload-size", "100"], [:], #"invalid value "10" for --payload-size: expected either --payload-size or --min-payload-size/--max-payload-size, not both"#),
        (["--payload-size", "2000"], [:], #"invalid value "2000" for --payload-size: expected at most 1472 bytes, the UDP payload that fits --mtu 1500 over IPv4 (or --allow-fragmentation)"#),
        (["--mtu", "40"], [:], #"invalid value "40" for --mtu: expected a whole number 68...65535"#),
        (["--mss", "10"], [:], #"invalid value "10" for --mss: expected a whole number 88...65495 (the kernel's TCP_MAXSEG range)"#),
        (["--message-interval", "fast"], [:], #"invalid value "fast" for --message-interval: expected a duration such as 500ms, 2s or 1m (0 = back-to-back)"#),
        (["--seed=-1"], [:], #"invalid value "-1" for --seed: expected a whole number 0...18446744073709551615"#),
        (["--connect-timeout", "0"], [:], #"invalid value "0" for --connect-timeout: expected a duration such as 500ms, 2s or 1m greater than 0"#),
        (["--target", "http://x"], [:], #"invalid value "http://x" for --target: expected a host name or IP address, or several separated by commas"#),
        ([], ["FLOWTEST_MONITOR": "maybe"], #"invalid value "maybe" for FLOWTEST_MONITOR: expected true or false"#),
        (["--pattern", "continuous"], [:], #"invalid value "0" for --time-limit: expected a duration greater than 0 for --pattern continuous, whose flows live the whole run"#),
        (["--pattern", "continuous", "--time-limit", "1m", "--message-interval", "0"], [:], #"invalid value "0" for --message-interval: expected a duration greater than 0 for --pattern continuous"#),
        (["--pattern", "continuous", "--time-limit", "1m", "--flow-count", "5"], [:], #"invalid value "5" for --flow-count: expected no flow count for --pattern continuous, which holds --max-concurrent flows for the whole run"#),
        (["--stall-timeout", "0s"], [:], #"invalid value "0s" for --stall-timeout: expected a duration such as 500ms, 2s or 1m greater than 0"#),
        (["--mix", "[{pattern: web, weight: 0}]"], [:], #"invalid value "[{pattern: web, weight: 0}]" for --mix[0].weight: expected entries valid as spec.flows.mix's (Invalid value: 0: --mix[0].weight in body should be greater than or equal to 1)"#),
        ([], ["FLOWTEST_MIX": "[{pattern: kafka, weight: 1}]"], #"invalid value "[{pattern: kafka, weight: 1}]" for FLOWTEST_MIX[0]: expected entries valid as spec.flows.mix's (Invalid value: a custom pattern (not one of web, dns, ssh, database, smtp, ftp, random) must give protocol, ports, requestSize and responseSize)"#),
        (["--mix", "[{pattern: web, weight: 1, host: Not A Name}]"], [:], #"invalid value "[{pattern: web, weight: 1, host: Not A Name}]" for --mix[0].host: expected entries valid as spec.flows.mix's (Invalid value: "Not A Name": --mix[0].host in body should match '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' (a lower-case DNS name such as shop.example.com))"#),
        (["--mix", "[]"], [:], #"invalid value "[]" for --mix: expected at least one entry: a list of traffic patterns as spec.flows.mix, e.g. [{pattern: web, weight: 3}, {pattern: dns, weight: 1}]"#),
        (["--mix", "[{pattern: dns, weight: 1, responseSize: {min: 64, max: 1500}}]"], [:], #"invalid value "dns.responseSize.max 1500" for --mix: expected at most 1472 bytes for a UDP pattern (the datagram that fits --mtu 1500, or --allow-fragmentation)"#),
        (["--mix", "[{pattern: random, weight: 1, responseSize: {min: 64, max: 100}}]", "--payload-size", "16", "--protocol", "tcp"], [:], #"invalid value "random.responseSize" for --mix: expected requests of at least 32 bytes (a requestSize, or a payload size) for a pattern that asks for a response size"#),
        (["--mix", "[{pattern: web, weight: 1}]", "--pattern", "continuous", "--time-limit", "1m"], [:], #"invalid value "" for --mix: expected no mix for --pattern continuous, whose flows all live the whole run"#),
        (["--dscp", "64"], [:], #"invalid value "64" for --dscp: expected a DSCP number 0...63 or a class name: EF, AF11...AF43, CS0...CS7, LE or VA"#),
        ([], ["FLOWTEST_DSCP": "AF44"], #"invalid value "AF44" for FLOWTEST_DSCP: expected a DSCP number 0...63 or a class name: EF, AF11...AF43, CS0...CS7, LE or VA"#),
        (["--target", "::1", "--scitag", "512:1"], [:], #"invalid value "512:1" for --scitag: expected EXPERIMENT:ACTIVITY, an experiment id 0...511 and an activity id 0...63, e.g. 65:2"#),
        (["--target", "127.0.0.1", "--scitag", "65:2"], [:], #"invalid value "65:2" for --scitag: expected an IPv6 target (--target is IPv4 only)"#),
        (["--target", "::1", "--firefly-port", "10514"], [:], #"invalid value "10514" for --firefly-port: expected --scitag too: a firefly announces a SciTag"#),
        (["--target", "::1", "--scitag", "65:2", "--firefly-collector", "collector"], [:], #"invalid value "collector" for --firefly-collector: expected host:port, an IPv6 address in brackets"#),
        (["--target", "::1", "--scitag", "65:2", "--firefly-collector", "::1:514"], [:], #"invalid value "::1:514" for --firefly-collector: expected host:port, an IPv6 address in brackets"#),
    ] as [([String], [String: String], String)])
    func invalidGeneratorInputIsRejected(arguments: [String], environment: [String: String], message: String) {
        #expect(throws: ConfigurationError.self) {
            do { _ = try generator(arguments, environment: environment) } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test(arguments: [
        (["--tcp-ports", "x"], #"invalid value "x" for --tcp-ports: expected comma-separated distinct ports 0...65535 (0 = any free port)"#),
        (["--bind-address", "localhost"], #"invalid value "localhost" for --bind-address: expected an IPv4 or IPv6 address"#),
        (["--max-connections=-1"], #"invalid value "-1" for --max-connections: expected a whole number ≥ 0 (0 = descriptor limit)"#),
        (["--idle-timeout", "never"], #"invalid value "never" for --idle-timeout: expected a duration such as 30s or 5m (0 = never)"#),
        (["--grace-period", "x"], #"invalid value "x" for --grace-period: expected a duration such as 10s"#),
        (["--dscp", "ef"], #"invalid value "ef" for --dscp: expected a DSCP number 0...63 or a class name: EF, AF11...AF43, CS0...CS7, LE or VA"#),
        (["--scitag", "1"], #"invalid value "1" for --scitag: expected EXPERIMENT:ACTIVITY, an experiment id 0...511 and an activity id 0...63, e.g. 65:2"#),
        (["--firefly-port", "70000"], #"invalid value "70000" for --firefly-port: expected a UDP port 0...65535 (0 = any free port)"#),
        (["--tcp-ports", "", "--udp-ports", ""], #"invalid value "" for --tcp-ports: expected at least one TCP or UDP port to echo on"#),
    ])
    func invalidEchoInputIsRejected(arguments: [String], message: String) {
        #expect(throws: ConfigurationError.self) {
            do { _ = try EchoConfiguration.resolve(EchoOptions.parse(arguments), SettingResolver(environment: [:])) } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test(arguments: [
        (["--log-level", "loud"], #"invalid value "loud" for --log-level: expected one of trace, debug, info, notice, warning, error, critical"#),
        (["--log-format", "xml"], #"invalid value "xml" for --log-format: expected one of human, json"#),
        (["--metrics-port", "65536"], #"invalid value "65536" for --metrics-port: expected a port number 0...65535"#),
        (["--metrics-address", "example.com"], #"invalid value "example.com" for --metrics-address: expected an IPv4 or IPv6 address"#),
    ])
    func invalidCommonInputIsRejected(arguments: [String], message: String) {
        #expect(throws: ConfigurationError.self) {
            do { _ = try CommonSettings.resolve(CommonOptions.parse(arguments), SettingResolver(environment: [:])) } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("1.5s", .milliseconds(1500)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("10us", .microseconds(10)), ("3", .seconds(3)), ("0", .zero),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(ValueParsers.duration(text) == expected)
    }

    @Test func environmentVariableNamesFollowTheFlags() {
        #expect(SettingResolver.environmentVariable(for: "--max-concurrent") == "FLOWTEST_MAX_CONCURRENT")
        #expect(SettingResolver.environmentVariable(for: "--tcp-ports") == "FLOWTEST_TCP_PORTS")
    }
}
