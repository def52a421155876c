import FlowTestShared
import Foundation

/// Reads what `flowtest-agent run -o json` prints: a List of the FlowTest and its agents'
/// FlowTestReports, as `kubectl get flowtest,flowtestreports -o json` shows them.
enum LocalRunOutput {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The FlowTest, its reports read into `status.agents` (the printed status holds none).
    static func flowTest(_ json: String) throws -> FlowTest {
        let list = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        guard list["kind"]?.string == "List", let items = list["items"]?.array else { throw Failure(description: "not a List: \(json.prefix(200))") }
        guard let test = items.first(where: { $0["kind"]?.string == FlowTest.kind }) else { throw Failure(description: "no FlowTest in the List") }
        var flowTest = try JSONDecoder().decode(FlowTest.self, from: JSONEncoder().encode(test))
        let reports = try items.filter { $0["kind"]?.string == FlowTestReport.kind }.map {
            try JSONDecoder().decode(FlowTestReport.self, from: JSONEncoder().encode($0))
        }
        flowTest.status = flowTest.status ?? FlowTestStatus()
        flowTest.status?.agents = Dictionary(reports.map { ($0.metadata.name ?? "", $0.report) }, uniquingKeysWith: { first, _ in first })
        return flowTest
    }

    /// The status of the printed FlowTest, with its reports.
    static func status(_ json: String) throws -> FlowTestStatus {
        guard let status = try flowTest(json).status else { throw Failure(description: "the FlowTest has no status") }
        return status
    }
}
