import Foundation

extension FlowTestStatus {
    /// Reads a status as stored, where the agents' entries are other processes' bytes: an entry
    /// that does not decode (an agent of another version, a bug, a hand edit) is left out and
    /// named in `unreadable`, instead of making the whole status unreadable, which would make
    /// the controller take a running test for a new one.
    public static func lenient(_ json: JSONValue?) -> (status: FlowTestStatus?, unreadable: [String]) {
        guard let json, case .object(var members) = json else { return (nil, []) }
        let agentsJSON = members.removeValue(forKey: "agents")
        guard var status = try? JSONDecoder().decode(FlowTestStatus.self, from: JSONEncoder().encode(JSONValue.object(members))) else {
            return (nil, [])
        }
        let (agents, unreadable) = lenientAgents(agentsJSON)
        status.agents = agentsJSON == nil ? nil : agents
        return (status, unreadable)
    }

    /// The agents' entries that decode, and the names of those that do not.
    public static func lenientAgents(_ json: JSONValue?) -> (agents: [String: AgentStatus], unreadable: [String]) {
        guard let json, case .object(let entries) = json else { return ([:], []) }
        var agents: [String: AgentStatus] = [:]
        var unreadable: [String] = []
        for (name, entry) in entries {
            if let agent = try? JSONDecoder().decode(AgentStatus.self, from: JSONEncoder().encode(entry)) {
                agents[name] = agent
            } else {
                unreadable.append(name)
            }
        }
        return (agents, unreadable.sorted())
    }
}
