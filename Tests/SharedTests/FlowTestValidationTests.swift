import FlowTestShared
import Testing

@Suite("FlowTest validation: every rule, valid and invalid")
struct FlowTestValidationTests {
    /// A FlowTest whose spec is `flows: {rate: 10}` plus `spec` (YAML, indented under spec).
    private func errors(_ spec: String, metadata: String = "metadata: {name: t}") throws -> [String] {
        let yaml = "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\n\(metadata)\nspec:\n\(spec)\n"
        switch FlowTest.validated(try JSONValue(yaml: yaml)) {
        case .success: return []
        case .failure(let error): return error.errors.map(\.description)
        }
    }

    @Test(arguments: [
        ("  flows: {rate: 0}", [#"spec.flows.rate: Invalid value: 0: spec.flows.rate in body should be greater than or equal to 1"#]),
        ("  flows: {rate: 2000000}", [#"spec.flows.rate: Invalid value: 2000000: spec.flows.rate in body should be less than or equal to 1000000"#]),
        ("  flows: {rate: fast}", [#"spec.flows.rate: Invalid value: "string": spec.flows.rate in body must be of type integer: "string""#]),
        ("  flows: {rate: 10, protocol: icmp}", [#"spec.flows.protocol: Unsupported value: "icmp": supported values: "tcp", "udp", "both""#]),
        ("  flows: {}", ["spec.flows.rate: Required value"]),
        ("  flows: {rat: 10}", ["spec.flows.rate: Required value", "spec.flows.rat: Unknown field: field not declared in schema"]),
        ("  flows: {rate: 10, minDuration: 5s, maxDuration: 2s}", ["spec.flows.minDuration: Invalid value: minDuration must not be longer than maxDuration"]),
        ("  flows: {rate: 10}\n  duration: soon", [#"spec.duration: Invalid value: "soon": spec.duration in body should match '^(0|[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))$' (a duration such as 500ms, 10s or 5m)"#]),
        ("  flows: {rate: 10, payload: {size: 100, minSize: 50, maxSize: 150}}", ["spec.flows.payload: Invalid value: set either size or minSize and maxSize, not both"]),
        ("  flows: {rate: 10, payload: {minSize: 50}}", ["spec.flows.payload: Invalid value: minSize and maxSize must be set together"]),
        ("  flows: {rate: 10, payload: {minSize: 500, maxSize: 100}}", ["spec.flows.payload.minSize: Invalid value: minSize must not be larger than maxSize"]),
        ("  flows: {rate: 10, protocol: udp}\n  ports: {udp: []}", ["spec.ports.udp: Invalid value: ports.udp needs at least one port when flows.protocol is udp or both"]),
        ("  flows: {rate: 10, protocol: tcp}\n  ports: {tcp: []}", ["spec.ports.tcp: Invalid value: ports.tcp needs at least one port when flows.protocol is tcp or both"]),
        ("  flows: {rate: 10, payload: {size: 2000}}", ["spec.flows.payload: Invalid value: UDP payloads must fit the MTU (at most mtu - 28 bytes) unless flows.allowFragmentation is set"]),
        ("  flows: {rate: 10, protocol: udp, payload: {size: 10}}", ["spec.flows.payload: Invalid value: UDP payloads must be at least 24 bytes, room for the measurement header"]),
        ("  flows: {rate: 10}\n  target: {mode: External}", ["spec.target.host: Invalid value: target.host is required when target.mode is External"]),
        ("  flows: {rate: 10}\n  target: {mode: Service, peersPerGenerator: 2}", ["spec.target.peersPerGenerator: Invalid value: target.peersPerGenerator applies to target.mode Pods only"]),
        ("  flows: {rate: 10}\n  target: {mode: Pods, peersPerGenerator: 10}\n  echo: {replicas: 1000}\n  generators: {replicas: 2}", ["spec.target.peersPerGenerator: Invalid value: generators.replicas * target.peersPerGenerator must be at least echo.replicas, so that every echo pod is dialled: raise either, or leave out peersPerGenerator"]),
        ("  flows: {rate: 10}\n  target: {mode: Pods, peersPerGenerator: 0}", ["spec.target.peersPerGenerator: Invalid value: 0: spec.target.peersPerGenerator in body should be greater than or equal to 1"]),
        ("  flows: {rate: 10}\n  ports: {tcp: [80, 80]}", ["spec.ports.tcp: Duplicate value: spec.ports.tcp must not contain the same value twice"]),
        ("  flows: {rate: 10}\n  thresholds: {maxFailedFlowsPercent: 150}", ["spec.thresholds.maxFailedFlowsPercent: Invalid value: 150: spec.thresholds.maxFailedFlowsPercent in body should be less than or equal to 100"]),
        ("  flows: {rate: 10}\n  cleanupPolicy: Sometimes", [#"spec.cleanupPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnSuccess", "Never""#]),
        ("  flows: {rate: 10}\n  duration: 0s", ["spec.duration: Invalid value: duration must be greater than 0"]),
        ("  flows: {rate: 10, minDuration: 0s, maxDuration: 0s}", ["spec.flows.maxDuration: Invalid value: maxDuration must be greater than 0 for the random pattern"]),
        ("  flows: {rate: 10, responseTimeout: 0s}", ["spec.flows: Invalid value: connectTimeout, responseTimeout and stallTimeout must be greater than 0"]),
        ("  flows: {rate: 10, pattern: continuous, messageInterval: 0s}", ["spec.flows.messageInterval: Invalid value: messageInterval must be greater than 0 for the continuous pattern: outages are measured between paced exchanges"]),
        ("  flows: {rate: 10, pattern: continuous}\n  flowCount: 100", ["spec.flowCount: Invalid value: flowCount does not apply to the continuous pattern, which holds maxConcurrent flows for the whole duration"]),
        ("  flows: {rate: 10, pattern: continuous}\n  thresholds: {maxOutage: soon}", [#"spec.thresholds.maxOutage: Invalid value: "soon": spec.thresholds.maxOutage in body should match '^(0|[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))$' (a duration such as 500ms, 10s or 5m)"#]),
        ("  flows: {rate: 10}\n  thresholds: {maxOutage: 1s}", ["spec.thresholds: Invalid value: thresholds.maxOutage and maxDisruptedSeconds need flows.pattern continuous, the pattern that measures outages"]),
        ("  flows: {rate: 10, pattern: continuous}\n  thresholds: {maxDisruptedSeconds: -1}", ["spec.thresholds.maxDisruptedSeconds: Invalid value: -1: spec.thresholds.maxDisruptedSeconds in body should be greater than or equal to 0"]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"ftp://db\", database: d}}", [#"spec.export.influxDB.url: Invalid value: "ftp://db": spec.export.influxDB.url in body should match '^https?://[^/?#\s]+(/[^?#\s]*)?$' (an http:// or https:// URL with a host and no query)"#]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"http://db:8086\"}}", ["spec.export.influxDB.database: Invalid value: database is required for apiVersion v1"]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"http://db:8086\", apiVersion: v2, org: o, credentialsSecret: {name: s, tokenKey: t}}}", ["spec.export.influxDB.bucket: Invalid value: org and bucket are required for apiVersion v2"]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"http://db:8086\", apiVersion: v2, org: o, bucket: b}}", ["spec.export.influxDB.credentialsSecret: Invalid value: apiVersion v2 needs credentialsSecret.tokenKey, the Secret key of an API token"]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"http://db:8086\", database: d, credentialsSecret: {name: s, usernameKey: u}}}", ["spec.export.influxDB.credentialsSecret: Invalid value: usernameKey and passwordKey must be set together"]),
        ("  flows: {rate: 10}\n  export: {influxDB: {url: \"http://db:8086\", database: d, credentialsSecret: {name: s, tokenKey: \"a/b\"}}}", [#"spec.export.influxDB.credentialsSecret.tokenKey: Invalid value: "a/b": spec.export.influxDB.credentialsSecret.tokenKey in body should match '^[-._a-zA-Z0-9]+$' (letters, digits, '-', '_' or '.')"#]),
        ("  flows: {rate: 10, pattern: sometimes}", [#"spec.flows.pattern: Unsupported value: "sometimes": supported values: "constant", "random", "continuous""#]),
        ("  flows: {rate: 10}\n  echo: {replicas: 0}", ["spec.echo.replicas: Invalid value: 0: spec.echo.replicas in body should be greater than or equal to 1"]),
        // A real cluster accepted 0s (every agent would report in a tight loop).
        ("  flows: {rate: 10}\n  reportInterval: 0s", ["spec.reportInterval: Invalid value: reportInterval must be at least 1s"]),
        ("  flows: {rate: 10}\n  reportInterval: 500ms", ["spec.reportInterval: Invalid value: reportInterval must be at least 1s"]),
        ("  flows: {rate: 10}\n  echo: {readyTimeout: 0s}", ["spec.echo.readyTimeout: Invalid value: echo.readyTimeout must be greater than 0"]),
        ("  flows: {rate: 10}\n  flowLog: {generators: false, echo: false}", ["spec.flowLog: Invalid value: at least one of generators and echo must be true, or leave flowLog out"]),
        ("  flows: {rate: 10, payload: {size: 1460}}\n  target: {ipFamilies: [IPv6]}", ["spec.flows.payload: Invalid value: UDP payloads must fit the MTU over IPv6 (at most mtu - 48 bytes) unless flows.allowFragmentation is set"]),
        ("  flows: {rate: 10, marking: {dscp: 64}}", ["spec.flows.marking.dscp: Invalid value: 64: spec.flows.marking.dscp in body should be less than or equal to 63"]),
        ("  flows: {rate: 10, marking: {dscp: AF44}}", [#"spec.flows.marking.dscp: Invalid value: "AF44": spec.flows.marking.dscp in body should match '^(CS[0-7]|AF[1-4][1-3]|EF|LE|VA|[0-9]|[1-5][0-9]|6[0-3])$' (a DSCP number 0...63 or a class name: EF, AF11...AF43, CS0...CS7, LE or VA)"#]),
        ("  flows: {rate: 10, marking: {dscp: true}}", [#"spec.flows.marking.dscp: Invalid value: "boolean": spec.flows.marking.dscp in body must be of type integer,string: "boolean""#]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 512, activity: 2}}}\n  target: {ipFamilies: [IPv6]}", ["spec.flows.marking.scitag.experiment: Invalid value: 512: spec.flows.marking.scitag.experiment in body should be less than or equal to 511"]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 1, activity: 64}}}\n  target: {ipFamilies: [IPv6]}", ["spec.flows.marking.scitag.activity: Invalid value: 64: spec.flows.marking.scitag.activity in body should be less than or equal to 63"]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}}}", ["spec.flows.marking.scitag: Invalid value: a SciTag is an IPv6 flow label: target.ipFamilies must include IPv6"]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}}}\n  target: {ipFamilies: [IPv4]}", ["spec.flows.marking.scitag: Invalid value: a SciTag is an IPv6 flow label: target.ipFamilies must include IPv6"]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}, fireflies: {collector: collector.example}}}\n  target: {ipFamilies: [IPv6]}", [#"spec.flows.marking.fireflies.collector: Invalid value: "collector.example": spec.flows.marking.fireflies.collector in body should match '\#(MarkingSpec.collectorPattern)' (host:port)"#]),
        ("  flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}, fireflies: {collector: \"c.example:70000\"}}}\n  target: {ipFamilies: [IPv6]}", [#"spec.flows.marking.fireflies.collector: Invalid value: "c.example:70000": spec.flows.marking.fireflies.collector in body should match '\#(MarkingSpec.collectorPattern)' (host:port)"#]),
        ("  flows: {rate: 10, marking: {fireflies: {}}}", ["spec.flows.marking.fireflies: Invalid value: fireflies announce a SciTag: set scitag too"]),
        ("  flows: {rate: 10}\n  thresholds: {minMarkedPercent: 90}", ["spec.thresholds.minMarkedPercent: Invalid value: thresholds.minMarkedPercent needs flows.marking.dscp or flows.marking.scitag, the marks the echo checks"]),
        ("  flows: {rate: 10}\n  target: {ipFamilies: [IPv6, IPv6]}", ["spec.target.ipFamilies: Duplicate value: spec.target.ipFamilies must not contain the same value twice"]),
        ("  flows: {rate: 10}\n  target: {ipFamilies: [IPv5]}", [#"spec.target.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6""#]),
        ("  flows: {rate: 10}\n  flowLog: {echo: sometimes}", [#"spec.flowLog.echo: Invalid value: "string": spec.flowLog.echo in body must be of type boolean: "string""#]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 0}]}", ["spec.flows.mix[0].weight: Invalid value: 0: spec.flows.mix[0].weight in body should be greater than or equal to 1"]),
        ("  flows: {rate: 10, mix: [{pattern: web}]}", ["spec.flows.mix[0].weight: Required value"]),
        ("  flows: {rate: 10, mix: [{pattern: Web, weight: 1}]}", [#"spec.flows.mix[0].pattern: Invalid value: "Web": spec.flows.mix[0].pattern in body should match '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$' (a name of lower case letters, digits and '-', such as web or kafka)"#]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1}, {pattern: web, weight: 2}]}", [#"spec.flows.mix[1]: Duplicate value: map[string]interface {}{"pattern":"web"}"#]),
        ("  flows: {rate: 10, mix: [{pattern: kafka, weight: 1, protocol: tcp, ports: [9092]}]}", ["spec.flows.mix[0]: Invalid value: a custom pattern (not one of web, dns, ssh, database, smtp, ftp, random) must give protocol, ports, requestSize and responseSize"]),
        ("  flows: {rate: 10, mix: [{pattern: dns, weight: 1, host: www.example.com}]}", ["spec.flows.mix[0].host: Invalid value: host applies to the web and smtp patterns only"]),
        ("  flows: {rate: 10, mix: [{pattern: smtp, weight: 1, path: /x}]}", ["spec.flows.mix[0].path: Invalid value: path applies to the web pattern only"]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1, dnsName: a.example}]}", ["spec.flows.mix[0].dnsName: Invalid value: dnsName applies to the dns pattern only"]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1, path: api}]}", [#"spec.flows.mix[0].path: Invalid value: "api": spec.flows.mix[0].path in body should match '^/[!-~]*$' (an absolute path of printable characters without spaces, such as /api/v1/items)"#]),
        ("  flows: {rate: 10, mix: [{pattern: dns, weight: 1, dnsName: Shop_.example}]}", [#"spec.flows.mix[0].dnsName: Invalid value: "Shop_.example": spec.flows.mix[0].dnsName in body should match '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' (a lower-case DNS name such as db.example.com)"#]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1, ports: [0]}]}", ["spec.flows.mix[0].ports[0]: Invalid value: 0: spec.flows.mix[0].ports[0] in body should be greater than or equal to 1"]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1, requestSize: {min: 16, max: 64}}]}", ["spec.flows.mix[0].requestSize.min: Invalid value: 16: spec.flows.mix[0].requestSize.min in body should be greater than or equal to 32"]),
        ("  flows: {rate: 10, mix: [{pattern: web, weight: 1, responseSize: {min: 900, max: 100}}]}", ["spec.flows.mix[0].responseSize.min: Invalid value: min must not be larger than max"]),
        ("  flows: {rate: 10, mix: [{pattern: dns, weight: 1, protocol: udp, responseSize: {min: 64, max: 4000}}]}", ["spec.flows.mix: Invalid value: UDP patterns' requestSize and responseSize must fit the MTU (at most mtu - 28 bytes) unless allowFragmentation is set"]),
        ("  flows: {rate: 10, mix: [{pattern: dns, weight: 1, responseSize: {min: 64, max: 1473}}]}", ["spec.flows.mix: Invalid value: UDP patterns' requestSize and responseSize must fit the MTU (at most mtu - 28 bytes) unless allowFragmentation is set"]),
        ("  flows: {rate: 10, protocol: tcp, payload: {size: 16}, mix: [{pattern: random, weight: 1, responseSize: {min: 64, max: 100}}]}", ["spec.flows.mix: Invalid value: a mix entry with responseSize and no requestSize takes its requests from payload, which must then be at least 32 bytes (room for the header that asks for the response)"]),
        ("  flows: {rate: 10, pattern: continuous, mix: [{pattern: web, weight: 1}]}", ["spec.flows.mix: Invalid value: mix does not apply to the continuous pattern, whose flows all live the whole run"]),
        ("  flows: {rate: 10, newConnectionRate: 10}", ["spec.flows.newConnectionRate: Invalid value: newConnectionRate needs pattern continuous, whose long-lived flows the new connections are measured next to"]),
        ("  flows: {rate: 10, pattern: continuous, newConnectionRate: 5000}", ["spec.flows.newConnectionRate: Invalid value: 5000: spec.flows.newConnectionRate in body should be less than or equal to 1000"]),
        ("  flows: {rate: 10, pattern: continuous, newConnectionRate: -1}", ["spec.flows.newConnectionRate: Invalid value: -1: spec.flows.newConnectionRate in body should be greater than or equal to 0"]),
        ("  flows: {rate: 10, mix: [{pattern: a, weight: 1, protocol: tcp, ports: [1], requestSize: {min: 32, max: 32}, responseSize: {min: 32, max: 32}}, {pattern: b, weight: 1}, {pattern: c, weight: 1}, {pattern: d, weight: 1}, {pattern: e, weight: 1}, {pattern: f, weight: 1}, {pattern: g, weight: 1}, {pattern: h, weight: 1}, {pattern: i, weight: 1}]}", ["spec.flows.mix: Too many: 9: must have at most 8 items"]),
    ] as [(String, [String])])
    func invalidSpecsNameTheFieldAndWhatWasExpected(spec: String, expected: [String]) throws {
        let actual = try errors(spec)
        #expect(actual == expected, "\(actual)")
    }

    @Test(arguments: [
        "  flows: {rate: 10, minDuration: 2s, maxDuration: 2s}",
        "  flows: {rate: 10, payload: {minSize: 24, maxSize: 1472}}",
        "  flows: {rate: 10, payload: {size: 8972}, mtu: 9000, protocol: udp}\n  ports: {udp: [53]}",
        "  flows: {rate: 10, payload: {size: 60000}, allowFragmentation: true}",
        "  flows: {rate: 10, payload: {size: 60000}, protocol: tcp}",
        "  flows: {rate: 10, protocol: tcp, payload: {size: 1}}\n  ports: {udp: []}",
        "  flows: {rate: 10}\n  target: {mode: External, host: echo.example.com}",
        "  flows: {rate: 10}\n  echo:\n    placement:\n      affinity: {anything: {goes: [1, 2]}}",
        "  flows: {rate: 10}\n  reportInterval: 1s\n  echo: {readyTimeout: 30s}",
        "  flows: {rate: 10}\n  flowLog: {}",
        "  flows: {rate: 10}\n  flowLog: {echo: false}",
        "  flows: {rate: 10, pattern: continuous, responseTimeout: 50ms, stallTimeout: 200ms}\n  thresholds: {maxOutage: 500ms, maxDisruptedSeconds: 2.5}",
        "  flows: {rate: 10, pattern: continuous, newConnectionRate: 0}",
        "  flows: {rate: 10, pattern: continuous, newConnectionRate: 1000}",
        "  flows: {rate: 10}\n  export: {influxDB: {url: \"https://influx.example:8086/base\", apiVersion: v2, org: o, bucket: b, interval: 5s, credentialsSecret: {name: influx, tokenKey: token}}}",
        "  flows: {rate: 10, marking: {dscp: 0}}",
        "  flows: {rate: 10, marking: {dscp: 63}}",
        "  flows: {rate: 10, marking: {dscp: \"46\"}}",
        "  flows: {rate: 10, marking: {dscp: CS7}}",
        "  flows: {rate: 10, marking: {dscp: LE, scitag: {experiment: 511, activity: 63}, fireflies: {port: 514, collector: \"[2001:db8::1]:10514\"}}}\n  target: {ipFamilies: [IPv4, IPv6]}\n  thresholds: {minMarkedPercent: 99.5}",
        "  flows: {rate: 10, marking: {scitag: {experiment: 0, activity: 0}, fireflies: {toDestination: false, collector: \"10.0.0.1:514\"}}}\n  target: {ipFamilies: [IPv6]}",
        // The agents' metrics port moves out of the way (ChildObjects.metricsPort).
        "  flows: {rate: 10}\n  ports: {tcp: [9090], udp: [9090]}",
    ])
    func validSpecsPass(spec: String) throws {
        let actual = try errors(spec)
        #expect(actual == [], "\(actual)")
    }

    @Test func schemaErrorsComeBeforeRulesAsOnTheServer() throws {
        // The min/max rule would fail too, but rules are only checked on schema-valid objects.
        #expect(try errors("  flows: {rate: 0, minDuration: 5s, maxDuration: 2s}").count == 1)
    }

    @Test func apiVersionAndKindMustBeFlowTests() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec: {flows: {rate: 1}}"
        guard case .failure(let error) = FlowTest.validated(try JSONValue(yaml: yaml)) else { Issue.record("accepted a Pod"); return }
        #expect(error.errors.map(\.description) == [
            #"apiVersion: Unsupported value: "v1": supported values: "flowtest.dev/v1alpha1""#,
            #"kind: Unsupported value: "Pod": supported values: "FlowTest""#,
        ])
    }

    @Test func aNameIsRequired() throws {
        #expect(try errors("  flows: {rate: 10}", metadata: "metadata: {}") == ["metadata.name: Required value: name or generateName is required"])
    }

    @Test func yamlScalarsAreTypedAsKubernetesTypesThem() throws {
        let value = try JSONValue(yaml: "a: 8080\nb: \"8080\"\nc: true\nd: 1.5\ne: null\nf: 10s")
        #expect(value == .object(["a": .integer(8080), "b": .string("8080"), "c": .bool(true), "d": .double(1.5), "e": .null, "f": .string("10s")]))
        #expect(throws: YAMLInputError.self) { try JSONValue(yaml: "a: 1\na: 2") }
    }
}
