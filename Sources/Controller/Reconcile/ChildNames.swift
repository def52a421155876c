import FlowTestShared

/// Deterministic names and labels of everything the controller creates for a FlowTest, so a
/// repeated reconcile finds what an earlier one made (a create's 409 means "already there").
struct ChildNames: Sendable {
    let flowTest: String

    var echoService: String { "\(flowTest)-echo" }
    /// Pods mode's headless Service, whose name resolves to every ready echo pod. `-pods`, no
    /// longer than `-echo`, so that every name `problem(with:)` accepts fits a DNS-1035 label
    /// here too; and no name of one test's Services can be another test's.
    var echoPodsService: String { "\(flowTest)-pods" }
    func echoPod(_ index: Int) -> String { "\(flowTest)-echo-\(index)" }
    func generatorPod(_ index: Int) -> String { "\(flowTest)-generator-\(index)" }

    /// Every agent pod `test` runs: its generators, then its echo pods unless the target is external.
    static func agentPods(of test: FlowTest) -> [String] {
        let names = ChildNames(flowTest: test.metadata.name ?? "")
        let echo = test.spec.target.mode == .external ? 0 : Int(test.spec.echo.replicas)
        return (0..<Int(test.spec.generators.replicas)).map(names.generatorPod) + (0..<echo).map(names.echoPod)
    }

    /// Labels every child carries; the controller's pod watch selects on `managedBy`.
    func labels(role: String) -> [String: String] {
        [
            "app.kubernetes.io/name": "flowtest-agent", "app.kubernetes.io/managed-by": Self.managedBy,
            "flowtest.dev/name": flowTest, "flowtest.dev/role": role,
        ]
    }

    /// Why children cannot be named after this FlowTest, or nil: the Services `<name>-echo` and
    /// `<name>-pods` must be DNS-1035 labels (at most 63 characters, starting with a letter) and
    /// the name is a label value. The CRD cannot check metadata.name, and the apiserver would
    /// refuse every child.
    static func problem(with name: String) -> FieldError? {
        let characters = Array(name.utf8)
        let lowerOrDigit = { (c: UInt8) in (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        let valid = !characters.isEmpty && characters.count <= 58 && (characters.first.map { $0 >= 97 && $0 <= 122 } ?? false)
            && lowerOrDigit(characters.last!) && characters.allSatisfy { lowerOrDigit($0) || $0 == 45 }
        guard !valid else { return nil }
        return FieldError(
            field: "metadata.name",
            message: "Invalid value: \"\(name)\": a FlowTest's name must be at most 58 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (its echo Service is named \(name)-echo, a DNS-1035 label)")
    }

    static let managedBy = "flowtest-controller"
    static let agentServiceAccount = "flowtest-agent"
    static let agentRole = "flowtest-agent-status"
}
