import FlowTestShared

/// A field pattern such as `spec.containers[].ports[].containerPort` or
/// `spec.containers[].resources.limits{}`, and the values it reaches in an object, each with
/// its path as the API server prints it (`spec.containers[0].ports[1].containerPort`,
/// `...limits[memory]`). `[]` steps into every array item, `{}` into every object member.
struct FakeJSONPath: Sendable {
    private enum Step {
        case key(String)
        case items
        case members
    }

    private let steps: [Step]

    init(_ pattern: String) {
        var steps: [Step] = []
        for part in pattern.split(separator: ".") {
            var name = Substring(part)
            var suffixes: [Step] = []
            while name.hasSuffix("[]") || name.hasSuffix("{}") {
                suffixes.insert(name.hasSuffix("[]") ? .items : .members, at: 0)
                name = name.dropLast(2)
            }
            if !name.isEmpty { steps.append(.key(String(name))) }
            steps += suffixes
        }
        self.steps = steps
    }

    /// Every value the pattern reaches that is present (JSON null included).
    func values(in object: JSONValue) -> [(path: String, value: JSONValue)] {
        var found: [(String, JSONValue)] = [("", object)]
        for step in steps {
            found = found.flatMap { path, value -> [(String, JSONValue)] in
                switch step {
                case .key(let key):
                    guard let member = value[key] else { return [] }
                    return [(path.isEmpty ? key : "\(path).\(key)", member)]
                case .items:
                    return (value.array ?? []).enumerated().map { ("\(path)[\($0.offset)]", $0.element) }
                case .members:
                    guard case .object(let members) = value else { return [] }
                    return members.sorted { $0.key < $1.key }.map { ("\(path)[\($0.key)]", $0.value) }
                }
            }
        }
        return found
    }
}
