import FlowTestShared
import Foundation
import Synchronization

/// Plays cluster DNS for the fake API server's headless Services: a hosts file (the agent's
/// `--hosts-file`) in which each headless Service's name lists the address of every pod its
/// selector matches that is ready and not terminating, of the Service's IP families, as the
/// EndpointSlice controller and CoreDNS would answer for it (`publishNotReadyAddresses` false).
///
/// No DNS server can serve these tests: getaddrinfo asks the resolvers of /etc/resolv.conf,
/// which a test cannot change. So the generator's lookup of a listed name reads this file, and
/// everything after the lookup (every address, sorted, windowed, looked up again every few
/// seconds) runs as it does in a cluster. Names are listed as generators are given them
/// (`<service>.<namespace>.svc`) and fully qualified (`.svc.cluster.local`).
public final class FakeClusterDNS: Sendable {
    private let store: FakeAPIStore
    /// The hosts file.
    public let path: String
    private let written = Mutex<String?>(nil)

    public init(store: FakeAPIStore, path: String = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-dns-\(UUID().uuidString).hosts").path) {
        self.store = store
        self.path = path
    }

    /// Rewrites the file from the store now, when its records changed.
    public func refresh() {
        let text = records()
        written.withLock { last in
            guard last != text else { return }
            // Atomic (a new file renamed over the old): a generator never reads half a file.
            if (try? Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)) != nil { last = text }
        }
    }

    /// Refreshes the file every `interval` until cancelled, as DNS follows endpoint changes.
    public func run(every interval: Duration = .milliseconds(100)) async {
        while !Task.isCancelled {
            refresh()
            try? await Task.sleep(for: interval)
        }
    }

    /// The file's text: a line per (address, Service) pair, sorted, for every headless Service.
    public func records() -> String {
        let (services, pods) = store.state.withLock { state in
            (state.objects.filter { $0.key.resource == "/v1/services" }.map(\.value), state.objects.filter { $0.key.resource == "/v1/pods" }.map(\.value))
        }
        var lines: [String] = []
        for service in services where service["spec"]?["clusterIP"]?.string == "None" {
            guard let name = service["metadata"]?["name"]?.string, let namespace = service["metadata"]?["namespace"]?.string,
                let selector = service["spec"]?["selector"]?.fakeMembers, !selector.isEmpty
            else { continue }
            let families = Set(service["spec"]?["ipFamilies"]?.array?.compactMap(\.string) ?? ["IPv4"])
            for pod in pods where Self.isEndpoint(pod, namespace: namespace, selector: selector) {
                for address in Self.addresses(of: pod) where families.contains(address.contains(":") ? "IPv6" : "IPv4") {
                    lines.append("\(address) \(name).\(namespace).svc \(name).\(namespace).svc.cluster.local")
                }
            }
        }
        return lines.sorted().map { $0 + "\n" }.joined()
    }

    /// Selected, ready and not terminating: what a headless Service without
    /// `publishNotReadyAddresses` publishes.
    private static func isEndpoint(_ pod: JSONValue, namespace: String, selector: [String: JSONValue]) -> Bool {
        guard pod["metadata"]?["namespace"]?.string == namespace, pod["metadata"]?["deletionTimestamp"] == nil else { return false }
        let labels = pod["metadata"]?["labels"]?.fakeMembers ?? [:]
        guard selector.allSatisfy({ labels[$0.key] == $0.value }) else { return false }
        return pod["status"]?["conditions"]?.array?.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" } ?? false
    }

    private static func addresses(of pod: JSONValue) -> [String] {
        let listed = pod["status"]?["podIPs"]?.array?.compactMap { $0["ip"]?.string } ?? []
        return listed.isEmpty ? (pod["status"]?["podIP"]?.string).map { [$0] } ?? [] : listed
    }
}
