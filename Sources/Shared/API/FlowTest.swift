/// A FlowTest: the flows to generate, where, and what counts as passing (group `flowtest.dev`,
/// version `v1alpha1`). Field names are the exact Kubernetes JSON names.
public struct FlowTest: Codable, Sendable, Equatable {
    public static let group = "flowtest.dev"
    public static let version = "v1alpha1"
    public static let apiVersion = "\(group)/\(version)"
    public static let kind = "FlowTest"
    public static let plural = "flowtests"

    public var apiVersion = FlowTest.apiVersion
    public var kind = FlowTest.kind
    public var metadata: ObjectMeta
    public var spec: FlowTestSpec
    public var status: FlowTestStatus?

    public init(metadata: ObjectMeta, spec: FlowTestSpec, status: FlowTestStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
