/// A Kubernetes toleration.
public struct Toleration: Codable, Sendable, Equatable {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }
}
