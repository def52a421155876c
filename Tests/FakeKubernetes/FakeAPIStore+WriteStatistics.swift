import FlowTestShared
import Foundation

extension FakeAPIStore {
    /// Writes and body bytes received for one object since the store started (see `FakeWriteStatistics`).
    public func writeStatistics(_ kind: ResourceKind, namespace: String, name: String) -> FakeWriteStatistics {
        let key = Key(resource: "\(kind.group)/\(kind.version)/\(kind.plural)", namespace: namespace, name: name)
        return state.withLock { $0.writeStatistics[key] ?? FakeWriteStatistics() }
    }

    /// Writes and body bytes received for every object of a kind in a namespace, by name.
    public func writeStatistics(_ kind: ResourceKind, namespace: String) -> [String: FakeWriteStatistics] {
        let resource = "\(kind.group)/\(kind.version)/\(kind.plural)"
        return state.withLock { state in
            var result: [String: FakeWriteStatistics] = [:]
            for (key, statistics) in state.writeStatistics where key.resource == resource && key.namespace == namespace {
                result[key.name] = statistics
            }
            return result
        }
    }

    /// Counts a write request against the object it names: the URL's name, or on a create the
    /// body's `metadata.name` (a `generateName` create is counted under no name, "").
    func countWrite(method: String, route: FakeAPIRoute, body: Data) {
        guard ["POST", "PUT", "PATCH", "DELETE"].contains(method) else { return }
        var name = route.name
        if name == nil, method == "POST" {
            name = (try? JSONDecoder().decode(JSONValue.self, from: body))?["metadata"]?["name"]?.string ?? ""
        }
        guard let name else { return }
        let key = Key(resource: route.resource, namespace: route.namespace ?? "", name: name)
        state.withLock { state in
            state.writeStatistics[key, default: FakeWriteStatistics()].writes += 1
            state.writeStatistics[key, default: FakeWriteStatistics()].bytes += body.count
        }
    }
}
