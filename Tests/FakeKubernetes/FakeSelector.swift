/// The label and field selectors of a list or watch: equality terms only, and of the fields only
/// `metadata.name` and `metadata.namespace`, which are what the controller and kubectl send
/// (`kubectl wait` selects its one object by name).
struct FakeSelector: Sendable {
    var labels: [String: String] = [:]
    var name: String?
    var namespace: String?

    /// The selectors of a query; a field the fake does not support is an error naming it, as the
    /// API server answers "field label not supported".
    static func parse(labelSelector: String?, fieldSelector: String?) -> Result<FakeSelector, FakeSelectorError> {
        var selector = FakeSelector(labels: terms(labelSelector))
        for (field, value) in terms(fieldSelector) {
            switch field {
            case "metadata.name": selector.name = value
            case "metadata.namespace": selector.namespace = value
            default: return .failure(FakeSelectorError(field: field))
            }
        }
        return .success(selector)
    }

    private static func terms(_ text: String?) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var terms: [String: String] = [:]
        for term in text.split(separator: ",") {
            let pair = term.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { terms[pair[0]] = pair[1].hasPrefix("=") ? String(pair[1].dropFirst()) : pair[1] }
        }
        return terms
    }

    /// Whether the object at `key`, carrying `labels`, is selected.
    func matches(_ key: FakeAPIStore.Key, labels objectLabels: [String: String]) -> Bool {
        (name == nil || key.name == name) && (namespace == nil || key.namespace == namespace)
            && labels.allSatisfy { objectLabels[$0.key] == $0.value }
    }
}
