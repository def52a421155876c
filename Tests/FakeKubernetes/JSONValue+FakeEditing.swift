import FlowTestShared

/// Small, value-returning edits for the fake's defaulting, which rewrites deep parts of a body.
extension JSONValue {
    /// The members of an object; empty for anything else.
    var fakeMembers: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    /// Whether Go would see the zero value here: absent, null or the empty string.
    static func isUnset(_ value: JSONValue?) -> Bool {
        value == nil || value == .null || value == .string("")
    }

    /// The object with `key` set to `value` where Go's defaulting would set it (unset there).
    func defaulting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self, Self.isUnset(members[key]) else { return self }
        members[key] = value
        return .object(members)
    }

    /// The object with the member `key` replaced by `change(member)`, when there is one.
    func updating(_ key: String, _ change: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(var members) = self, let member = members[key] else { return self }
        members[key] = change(member)
        return .object(members)
    }

    /// The object with each item of the array `key` replaced by `change(item)`.
    func updatingItems(_ key: String, _ change: (JSONValue) -> JSONValue) -> JSONValue {
        updating(key) { member in member.array.map { .array($0.map(change)) } ?? member }
    }

    /// The object with `key` set to `value` (nil removes it).
    func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
