import FakeKubernetes
import FlowTestShared
import Foundation
import Testing

/// The CRD's CEL rules and their Swift twins must agree; cel-python (a real CEL implementation,
/// installed by .ci/run) evaluates the CEL side.
@Suite("CEL rules agree with their Swift versions")
struct CELRuleTests {
    /// Specs that exercise every rule both ways.
    static let specs = [
        "flows: {rate: 10}",
        "flows: {rate: 10, minDuration: 5s, maxDuration: 2s}",
        "flows: {rate: 10, minDuration: 1500ms, maxDuration: 2s}",
        "flows: {rate: 10, minDuration: 2m, maxDuration: 90s}",
        "flows: {rate: 10, payload: {size: 100, minSize: 50, maxSize: 150}}",
        "flows: {rate: 10, payload: {minSize: 50}}",
        "flows: {rate: 10, payload: {minSize: 500, maxSize: 100}}",
        "flows: {rate: 10, payload: {minSize: 24, maxSize: 1472}}",
        "flows: {rate: 10, protocol: udp}\nports: {udp: []}",
        "flows: {rate: 10, protocol: tcp}\nports: {tcp: []}",
        "flows: {rate: 10, protocol: tcp}\nports: {udp: []}",
        "flows: {rate: 10, payload: {size: 2000}}",
        "flows: {rate: 10, payload: {size: 2000}, allowFragmentation: true}",
        "flows: {rate: 10, payload: {size: 8972}, mtu: 9000, protocol: udp}",
        "flows: {rate: 10, payload: {maxSize: 1473, minSize: 30}}",
        "flows: {rate: 10, protocol: udp, payload: {size: 10}}",
        "flows: {rate: 10, protocol: tcp, payload: {size: 10}}",
        "flows: {rate: 10}\ntarget: {mode: External}",
        "flows: {rate: 10}\nflowLog: {}",
        "flows: {rate: 10}\nflowLog: {generators: false}",
        "flows: {rate: 10}\nflowLog: {generators: false, echo: false}",
        "flows: {rate: 10}\ntarget: {mode: External, host: x.example}",
        "flows: {rate: 10}\ntarget: {mode: Pods, peersPerGenerator: 10}\necho: {replicas: 1000}\ngenerators: {replicas: 100}",
        "flows: {rate: 10}\ntarget: {mode: Pods, peersPerGenerator: 10}\necho: {replicas: 1000}\ngenerators: {replicas: 2}",
        "flows: {rate: 10}\ntarget: {mode: Pods, peersPerGenerator: 3}\necho: {replicas: 3}",
        "flows: {rate: 10}\ntarget: {mode: Service, peersPerGenerator: 3}",
        "flows: {rate: 10}\nduration: 0s",
        "flows: {rate: 10, pattern: random, maxDuration: 0s, minDuration: 0s}",
        "flows: {rate: 10, pattern: constant, maxDuration: 0s, minDuration: 0s}",
        "flows: {rate: 10, connectTimeout: 0s}",
        "flows: {rate: 10}\nreportInterval: 500ms",
        "flows: {rate: 10}\nreportInterval: 1s",
        "flows: {rate: 10}\necho: {readyTimeout: 0s}",
        "flows: {rate: 10, pattern: continuous, messageInterval: 0s}",
        "flows: {rate: 10, pattern: continuous, messageInterval: 10ms, stallTimeout: 0s}",
        "flows: {rate: 10, pattern: continuous}\nflowCount: 10",
        "flows: {rate: 10, pattern: continuous, newConnectionRate: 50}",
        "flows: {rate: 10, pattern: random, newConnectionRate: 50}",
        "flows: {rate: 10, newConnectionRate: 0}",
        "flows: {rate: 10, pattern: continuous}\nthresholds: {maxOutage: 1s, maxDisruptedSeconds: 2}",
        "flows: {rate: 10, pattern: constant}\nthresholds: {maxOutage: 1s}",
        "flows: {rate: 10}\nthresholds: {maxDisruptedSeconds: 2}",
        "flows: {rate: 10}\nthresholds: {maxFailedFlowsPercent: 1}",
        "flows: {rate: 10}\nexport: {influxDB: {url: \"http://db\"}}",
        "flows: {rate: 10}\nexport: {influxDB: {url: \"http://db\", database: d, interval: 500ms, credentialsSecret: {name: s, usernameKey: u}}}",
        "flows: {rate: 10}\nexport: {influxDB: {url: \"http://db\", apiVersion: v2, org: o, bucket: b, credentialsSecret: {name: s, tokenKey: t, usernameKey: u, passwordKey: p}}}",
        "flows: {rate: 10}\nexport: {influxDB: {url: \"http://db\", apiVersion: v2, org: o}}",
        "flows: {rate: 10, pattern: continuous, mix: [{pattern: web, weight: 1}]}",
        "flows: {rate: 10, mix: [{pattern: web, weight: 1}, {pattern: kafka, weight: 2, protocol: tcp, ports: [9092], requestSize: {min: 32, max: 64}, responseSize: {min: 100, max: 50}}]}",
        "flows: {rate: 10, mix: [{pattern: kafka, weight: 1, protocol: tcp}]}",
        "flows: {rate: 10, mix: [{pattern: q, weight: 1, protocol: udp, ports: [53], requestSize: {min: 32, max: 2000}, responseSize: {min: 32, max: 64}}]}",
        "flows: {rate: 10, allowFragmentation: true, mix: [{pattern: q, weight: 1, protocol: udp, ports: [53], requestSize: {min: 32, max: 2000}, responseSize: {min: 32, max: 64}}]}",
        "flows: {rate: 10, mix: [{pattern: web, weight: 1, host: a.example, path: /x}, {pattern: dns, weight: 1, dnsName: b.example, host: c.example, path: /y}, {pattern: smtp, weight: 1, dnsName: d.example}]}",
        "flows: {rate: 10, mix: [{pattern: dns, weight: 1, messages: {min: 3, max: 2}}]}",
        "flows: {rate: 10, mix: [{pattern: dns, weight: 1, responseSize: {min: 64, max: 1473}}]}",
        "flows: {rate: 10, mix: [{pattern: random, weight: 1, requestSize: {min: 64, max: 1473}}]}",
        "flows: {rate: 10, protocol: tcp, mix: [{pattern: random, weight: 1, requestSize: {min: 64, max: 1473}}]}",
        "flows: {rate: 10, protocol: tcp, payload: {size: 16}, mix: [{pattern: random, weight: 1, responseSize: {min: 64, max: 100}}]}",
        "flows: {rate: 10, dedicatedThreads: true, maxConcurrent: 8}",
        "flows: {rate: 10, dedicatedThreads: true}",
        "flows: {rate: 10, dedicatedThreads: true, maxConcurrent: 8}\nflowLog: {}",
        "flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}}}",
        "flows: {rate: 10, payload: {size: 1460}}\ntarget: {ipFamilies: [IPv4, IPv6]}",
        "flows: {rate: 10, payload: {size: 1452}}\ntarget: {ipFamilies: [IPv6]}",
        "flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}}}\ntarget: {ipFamilies: [IPv4]}",
        "flows: {rate: 10, marking: {scitag: {experiment: 65, activity: 2}}}\ntarget: {ipFamilies: [IPv4, IPv6]}",
        "flows: {rate: 10, marking: {dscp: EF}}\nthresholds: {minMarkedPercent: 90}",
        "flows: {rate: 10, marking: {dscp: 46}}\nthresholds: {minMarkedPercent: 90}",
        "flows: {rate: 10, marking: {fireflies: {}}}\nthresholds: {minMarkedPercent: 90}",
        "flows: {rate: 10}\nthresholds: {minMarkedPercent: 90}",
        "flows: {rate: 10, marking: {scitag: {experiment: 1, activity: 1}, fireflies: {toDestination: false}}}\ntarget: {ipFamilies: [IPv6]}",
        "flows: {rate: 10, marking: {scitag: {experiment: 1, activity: 1}, fireflies: {toDestination: false, collector: \"c.example:514\"}}}\ntarget: {ipFamilies: [IPv6]}",
    ]

    /// Every (rule, value of the object it applies to) pair in `value`.
    static func ruleInputs(_ value: JSONValue, _ schema: Schema) -> [(ValidationRule, JSONValue)] {
        var inputs = schema.rules.filter { $0.holdsOnUpdate == nil }.map { ($0, value) }
        if case .object(let members) = value {
            for (name, member) in members {
                if let property = schema.properties[name] { inputs += ruleInputs(member, property) }
            }
        }
        if case .array(let elements) = value, let items = schema.items {
            for element in elements { inputs += ruleInputs(element, items.schema) }
        }
        return inputs
    }

    @Test func celAndSwiftAgreeOnEverySample() throws {
        var cases: [JSONValue] = []
        for spec in Self.specs {
            let indented = spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            let yaml = "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: t}\nspec:\n\(indented)\n"
            let defaulted = FlowTest.schema.applyingDefaults(to: try JSONValue(yaml: yaml))
            for (rule, input) in Self.ruleInputs(defaulted, FlowTest.schema) {
                cases.append(.object(["cel": .string(rule.cel), "self": input, "swift": .bool(rule.holds(input))]))
            }
        }
        // Transition rules: a started test whose spec changes, and the cases that are allowed.
        let base = FlowTest.schema.applyingDefaults(to: try JSONValue(yaml: "apiVersion: flowtest.dev/v1alpha1\nkind: FlowTest\nmetadata: {name: t}\nspec:\n  flows: {rate: 10}\n"))
        let changed = base.applyingMergePatch(.object(["spec": .object(["flows": .object(["rate": 20])])]))
        for (phase, next) in [(nil, changed), ("Pending", changed), ("Running", changed), ("Running", base), ("Succeeded", changed)] as [(String?, JSONValue)] {
            let old = phase.map { base.applyingMergePatch(.object(["status": .object(["phase": .string($0)])])) } ?? base
            for rule in FlowTest.schema.rules where rule.holdsOnUpdate != nil {
                cases.append(.object(["cel": .string(rule.cel), "self": next, "oldSelf": old, "swift": .bool(rule.holdsOnUpdate!(old, next))]))
            }
        }
        // Both outcomes occur for every rule, so agreement means something.
        let rules = Set(cases.compactMap { $0["cel"]?.string })
        for rule in rules {
            let outcomes = Set(cases.filter { $0["cel"]?.string == rule }.compactMap { $0["swift"]?.bool })
            #expect(outcomes == [true, false], "samples exercise only \(outcomes) of: \(rule)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cel-cases-\(UUID().uuidString).json")
        try JSONEncoder().encode(JSONValue.array(cases)).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryFile.root.appendingPathComponent("scripts/cel-check.py").path, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }
}
