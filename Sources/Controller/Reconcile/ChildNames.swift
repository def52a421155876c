/// Deterministic names and labels of everything the controller creates for a FlowTest, so a
/// repeated reconcile finds what an earlier one made (a create's 409 means "already there").
struct ChildNames: Sendable {
    let flowTest: String

    var echoService: String { "\(flowTest)-echo" }
    func echoPod(_ index: Int) -> String { "\(flowTest)-echo-\(index)" }
    func generatorPod(_ index: Int) -> String { "\(flowTest)-generator-\(index)" }

    /// Labels every child carries; the controller's pod watch selects on `managedBy`.
    func labels(role: String) -> [String: String] {
        [
            "app.kubernetes.io/name": "flowtest-agent", "app.kubernetes.io/managed-by": Self.managedBy,
            "flowtest.dev/name": flowTest, "flowtest.dev/role": role,
        ]
    }

    static let managedBy = "flowtest-controller"
    static let agentServiceAccount = "flowtest-agent"
    static let agentRole = "flowtest-agent-status"
}
