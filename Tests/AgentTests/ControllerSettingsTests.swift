import ArgumentParser
import FlowTestShared
import Testing
@testable import FlowTestController

/// Controller flags that would make the apiserver refuse every agent pod are refused at start,
/// naming the flag and what was expected (found by the strict fake: a pod whose memory request
/// is above its limit, or with a malformed toleration, is a 422).
@Suite("Controller settings refuse what would make every pod invalid")
struct ControllerSettingsTests {
    private func resolve(_ arguments: [String]) throws -> ControllerSettings {
        try ControllerSettings.resolve(RunCommand.parse(arguments), SettingResolver(environment: [:]))
    }

    @Test func aMemoryRequestAboveTheLimitIsRefused() throws {
        #expect(throws: ConfigurationError(setting: "--agent-memory-request", value: "1Gi", expected: "at most --agent-memory-limit (512Mi)")) {
            try resolve(["--agent-memory-request", "1Gi", "--agent-memory-limit", "512Mi"])
        }
        #expect(try resolve(["--agent-memory-request", "0.5Gi", "--agent-memory-limit", "512Mi"]).agentPods.memoryRequest == "0.5Gi")
    }

    @Test(arguments: [
        #"{"key": "a"}"#, #"[{"key": "a", "operator": "Maybe"}]"#, #"[{"key": "a", "effect": "NoRun"}]"#,
        #"[{"operator": "Equal", "value": "x"}]"#, #"[{"key": "a", "operator": "Exists", "value": "x"}]"#, #"[1]"#,
    ])
    func malformedTolerationsAreRefused(text: String) {
        #expect(throws: ConfigurationError.self) { try resolve(["--agent-tolerations", text]) }
    }

    @Test func wellFormedTolerationsPass() throws {
        let settings = try resolve(["--agent-tolerations", #"[{"operator": "Exists"}, {"key": "dedicated", "value": "net", "effect": "NoSchedule"}]"#])
        #expect(settings.agentPods.defaultTolerations.count == 2)
    }
}
