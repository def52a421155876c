import FlowTestShared
import Foundation

/// Reads and validates a FlowTest manifest with the same schema and rules as the CRD.
enum FlowTestFile {
    static func load(_ path: String) throws(LocalRunInputError) -> FlowTest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocalRunInputError(file: path, problems: ["cannot read the file"])
        }
        let json: JSONValue
        do { json = try JSONValue(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw LocalRunInputError(file: path, problems: ["not valid YAML: \(error)"])
        }
        switch FlowTest.validated(json) {
        case .success(let flowTest): return flowTest
        case .failure(let error): throw LocalRunInputError(file: path, problems: error.errors.map(\.description))
        }
    }

    /// Settings that only mean something in a cluster: accepted, and said so rather than dropped.
    static func clusterOnlyNotes(_ spec: FlowTestSpec) -> [String] {
        var notes: [String] = []
        if spec.echo.replicas > 1 {
            notes.append("echo.replicas is \(spec.echo.replicas): one echo server serves all generators locally")
        }
        if spec.echo.placement != nil { notes.append("echo.placement applies to pods; ignored locally") }
        if spec.generators.placement != nil { notes.append("generators.placement applies to pods; ignored locally") }
        if spec.generators.avoidEchoNodes { notes.append("generators.avoidEchoNodes needs nodes; everything runs on this machine") }
        if spec.target.mode == .pods { notes.append("target.mode Pods: locally the generators send to the one local echo server") }
        if spec.image != nil { notes.append("image is for pods; this binary runs the agents locally") }
        if spec.export?.influxDB?.credentialsSecret != nil {
            notes.append("export.influxDB.credentialsSecret is a Secret in the cluster; locally the credentials come from FLOWTEST_INFLUXDB_TOKEN, or FLOWTEST_INFLUXDB_USERNAME and FLOWTEST_INFLUXDB_PASSWORD")
        }
        if spec.cleanupPolicy != .onSuccess { notes.append("cleanupPolicy applies to pods; nothing to clean up locally") }
        return notes
    }
}
