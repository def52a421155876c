import FlowTestShared
import Foundation

/// A list's continue token, shaped as kube-apiserver's (fixtures 09 and 10): unpadded base64url
/// of `{"v":"meta.k8s.io/v1","rv":273,"start":"/ft-b\u0000"}`, the revision of the list's first
/// page and the key after which the next page starts.
///
/// Why the revision matters: the real server serves every later page from the snapshot at that
/// revision and answers each with the first page's resourceVersion, so a watch started from it
/// replays every change made while the pages were read. Serving them from the present (as this
/// fake once did) lost those changes for good: a relisting controller never saw the final
/// reports written between its two pages.
struct FakeListContinuation: Equatable {
    /// The first page's revision: the snapshot every page is cut from.
    var revision: Int
    /// The last key returned; the token carries it relative to the list's path (`/name` in a
    /// namespace, `/namespace/name` across them).
    var namespace: String
    var name: String

    init(revision: Int, namespace: String, name: String) {
        self.revision = revision
        self.namespace = namespace
        self.name = name
    }

    /// Decodes `token` for a list in `namespace` (nil: across namespaces); nil when it is not one.
    init?(token: String, namespace listNamespace: String?) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let object = try? JSONDecoder().decode(JSONValue.self, from: data),
            object["v"]?.string == "meta.k8s.io/v1", case .integer(let revision)? = object["rv"], var start = object["start"]?.string,
            start.hasPrefix("/"), start.hasSuffix("\u{0}")
        else { return nil }
        start = String(start.dropFirst().dropLast())
        if let listNamespace {
            (namespace, name) = (listNamespace, start)
        } else {
            let parts = start.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { return nil }
            (namespace, name) = (parts[0], parts[1])
        }
        self.revision = Int(revision)
    }

    /// The token for a list in `namespace` (nil: across namespaces).
    func token(namespace listNamespace: String?) -> String {
        let relative = listNamespace == nil ? "/\(namespace)/\(name)" : "/\(name)"
        let object: JSONValue = .object(["v": "meta.k8s.io/v1", "rv": .integer(Int64(revision)), "start": .string(relative + "\u{0}")])
        return FakeAPIStore.encode(object).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `key` comes after the one this token stopped at, in the list's order.
    func precedes(_ key: FakeAPIStore.Key) -> Bool {
        (namespace, name) < (key.namespace, key.name)
    }
}
