import FlowTestShared
import Foundation
import Logging

/// `flowtest-controller run`'s settings, resolved flag > FLOWTEST_* > default and validated.
struct ControllerSettings: Sendable {
    var kubeconfig: String?
    var namespaces: [String]?
    var workers = 2
    var agentPods = AgentPodSettings()
    var leaderElect = false
    var leaseNamespace: String?
    var leaseName = "flowtest-controller"
    var identity = ProcessInfo.processInfo.hostName
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.json
    var metricsPort = 8080
    var metricsAddress = "0.0.0.0"

    /// How long one apiserver request may see no bytes. URLSession on Linux does not fail a write
    /// whose connection the server closes before answering (an apiserver that restarts): it
    /// waits out this timer (measured against the fake: 30 s with the default). Every write the
    /// controller makes is safe to repeat, so a shorter bound only ends such a stall sooner.
    static let requestTimeout: Duration = .seconds(15)

    static func resolve(_ command: RunCommand, _ resolver: SettingResolver) throws(ConfigurationError) -> ControllerSettings {
        var settings = ControllerSettings()
        let name = "a Kubernetes name (lowercase letters, digits, '-')"
        let isName = { (text: String) -> String? in
            text.range(of: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", options: .regularExpression) != nil && text.count <= 63 ? text : nil
        }
        settings.kubeconfig = try resolver.resolveOptional("--kubeconfig", command.kubeconfig, expected: "a file path") { $0.isEmpty ? nil : $0 }
        settings.namespaces = try resolver.resolveOptional("--namespaces", command.namespaces, expected: "comma-separated namespace names") { text in
            let names = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            return names.isEmpty || names.contains(where: { isName($0) == nil }) ? nil : names
        }
        settings.workers = try resolver.resolve("--workers", command.workers, default: 2, expected: "a whole number 1...64", parse: ValueParsers.integer(in: 1...64))
        settings.agentPods.image = try resolver.resolve(
            "--agent-image", command.agentImage, default: settings.agentPods.image, expected: "an image reference") { $0.isEmpty || $0.contains(" ") ? nil : $0 }
        settings.agentPods.pullPolicy = try resolver.resolve(
            "--agent-image-pull-policy", command.agentImagePullPolicy, default: settings.agentPods.pullPolicy, expected: "Always, IfNotPresent or Never") {
                ["Always", "IfNotPresent", "Never"].contains($0) ? $0 : nil
            }
        let quantity = { (text: String) -> String? in text.range(of: "^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$", options: .regularExpression) != nil ? text : nil }
        settings.agentPods.cpuRequest = try resolver.resolve("--agent-cpu-request", command.agentCpuRequest, default: settings.agentPods.cpuRequest, expected: "a quantity such as 100m", parse: quantity)
        settings.agentPods.memoryRequest = try resolver.resolve("--agent-memory-request", command.agentMemoryRequest, default: settings.agentPods.memoryRequest, expected: "a quantity such as 64Mi", parse: quantity)
        settings.agentPods.memoryLimit = try resolver.resolve("--agent-memory-limit", command.agentMemoryLimit, default: settings.agentPods.memoryLimit, expected: "a quantity such as 512Mi", parse: quantity)
        // The apiserver refuses every pod whose memory request is above its limit.
        if let request = ResourceQuantity.value(settings.agentPods.memoryRequest), let limit = ResourceQuantity.value(settings.agentPods.memoryLimit), request > limit {
            throw ConfigurationError(
                setting: resolver.raw("--agent-memory-request", command.agentMemoryRequest)?.source ?? "--agent-memory-request",
                value: settings.agentPods.memoryRequest, expected: "at most --agent-memory-limit (\(settings.agentPods.memoryLimit))")
        }
        settings.agentPods.defaultTolerations = try resolver.resolve(
            "--agent-tolerations", command.agentTolerations, default: [],
            expected: #"a JSON array of tolerations such as [{"key": "dedicated", "operator": "Equal", "value": "net", "effect": "NoSchedule"}]"#,
            parse: Self.tolerations)
        settings.leaderElect = try resolver.resolveSwitch("--leader-elect", command.leaderElect)
        settings.leaseNamespace = try resolver.resolveOptional("--lease-namespace", command.leaseNamespace, expected: name, parse: isName)
        settings.leaseName = try resolver.resolve("--lease-name", command.leaseName, default: settings.leaseName, expected: name, parse: isName)
        settings.identity = try resolver.resolve("--identity", command.identity, default: settings.identity, expected: "a name", parse: ValueParsers.host)
        settings.logLevel = try resolver.resolve(
            "--log-level", command.common.logLevel, default: settings.logLevel, expected: "one of trace, debug, info, notice, warning, error, critical",
            parse: LoggingSetup.parseLevel)
        settings.logFormat = try resolver.resolve(
            "--log-format", command.common.logFormat, default: settings.logFormat, expected: ValueParsers.describeChoices(LogFormat.self),
            parse: ValueParsers.choice(LogFormat.self))
        settings.metricsPort = try resolver.resolve("--metrics-port", command.common.metricsPort, default: settings.metricsPort, expected: "a port number 0...65535", parse: ValueParsers.portOrZero)
        settings.metricsAddress = try resolver.resolve("--metrics-address", command.common.metricsAddress, default: settings.metricsAddress, expected: "an IPv4 or IPv6 address", parse: ValueParsers.ipAddress)
        return settings
    }

    /// Tolerations the apiserver accepts on a pod: objects with a known operator and effect, a
    /// key unless the operator is Exists, and no value with Exists.
    static func tolerations(_ text: String) -> [JSONValue]? {
        guard let entries = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))?.array else { return nil }
        for entry in entries {
            guard let toleration = try? JSONDecoder().decode(Toleration.self, from: JSONEncoder().encode(entry)) else { return nil }
            let operation = toleration.operator ?? "Equal"
            guard ["Equal", "Exists"].contains(operation),
                toleration.effect.map({ ["", "NoSchedule", "PreferNoSchedule", "NoExecute"].contains($0) }) ?? true,
                operation == "Exists" ? (toleration.value ?? "").isEmpty : !(toleration.key ?? "").isEmpty
            else { return nil }
        }
        return entries
    }
}
