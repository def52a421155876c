import FlowTestShared
import Foundation

/// Reads the FlowTest a report is made of, with its agents' FlowTestReports: `kubectl get
/// flowtest,flowtestreports -l flowtest.dev/name=NAME -o yaml|json`, or what `flowtest-agent run`
/// printed. The spec is read with the CRD's schema and defaults; the
/// status leniently, as the controller reads it (an agent entry that does not decode is left
/// out and named, the rest still reports).
struct ReportInput {
    var flowTest: FlowTest
    var status: FlowTestStatus
    var unreadableAgents: [String]

    /// Reads `path`, or standard input for `-`.
    static func load(_ path: String) throws(ReportInputError) -> ReportInput {
        let source = path == "-" ? "stdin" : path
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ReportInputError(source: source, problem: "cannot read the file (missing, a directory, or no permission)")
            }
            data = contents
        }
        return try parse(data, source: source)
    }

    /// Parses a FlowTest document, YAML or JSON (JSON is YAML): a List of a FlowTest and its
    /// FlowTestReports (`kubectl get flowtest,flowtestreports -l flowtest.dev/name=NAME -o json`,
    /// or what `flowtest-agent run` prints), or a FlowTest alone (its summary only, or, in the
    /// earlier layout, its agents' reports under `status.agents`).
    static func parse(_ data: Data, source: String) throws(ReportInputError) -> ReportInput {
        guard !data.isEmpty else { throw ReportInputError(source: source, problem: "empty input; expected \(Self.expected)") }
        let json: JSONValue
        do { json = try JSONValue(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw ReportInputError(source: source, problem: "not YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        let (document, reports) = try split(json, source: source)
        guard case .object(var members) = document else {
            throw ReportInputError(source: source, problem: "not a FlowTest: expected an object with kind FlowTest")
        }
        guard members["kind"]?.string == FlowTest.kind, members["apiVersion"]?.string?.hasPrefix(FlowTest.group + "/") == true else {
            let kind = members["kind"]?.string.map { "kind \"\($0)\"" } ?? "no kind"
            throw ReportInputError(source: source, problem: "not a FlowTest: \(kind); expected apiVersion \(FlowTest.apiVersion), kind FlowTest")
        }
        let statusJSON = members.removeValue(forKey: "status")
        let flowTest: FlowTest
        switch FlowTest.validated(.object(members)) {
        case .success(let valid): flowTest = valid
        case .failure(let error):
            throw ReportInputError(source: source, problem: "its spec is not valid: \(error.errors.first?.description ?? "")")
        }
        var (status, unreadable) = FlowTestStatus.lenient(statusJSON)
        guard status != nil else {
            throw ReportInputError(source: source, problem: statusJSON == nil ? "status: missing; the FlowTest has not run yet" : "status: cannot be read as a FlowTest status")
        }
        // The reports of this test, by agent pod: from the list's FlowTestReports.
        let name = flowTest.metadata.name ?? ""
        let mine = reports.filter { $0["metadata"]?["labels"]?[FlowTestReport.nameLabel]?.string == name }
        if !mine.isEmpty {
            var entries: [String: JSONValue] = [:]
            for report in mine { if let pod = report["metadata"]?["name"]?.string { entries[pod] = report["report"] ?? .null } }
            let (agents, bad) = FlowTestStatus.lenientAgents(.object(entries))
            status?.agents = agents
            unreadable += bad
        }
        guard let status, status.summary != nil || !(status.agents ?? [:]).isEmpty else {
            throw ReportInputError(source: source, problem: "status has no figures: no summary and no agent reports yet (phase \(status?.phase?.rawValue ?? "unset"))")
        }
        return ReportInput(flowTest: flowTest, status: status, unreadableAgents: unreadable.sorted())
    }

    static let expected = "a FlowTest and its reports from kubectl get flowtest,flowtestreports -l flowtest.dev/name=NAME -o yaml"

    /// The FlowTest and the FlowTestReports of a List, or a lone FlowTest and no reports.
    private static func split(_ json: JSONValue, source: String) throws(ReportInputError) -> (JSONValue, [JSONValue]) {
        guard let items = json["items"]?.array, json["kind"]?.string?.hasSuffix("List") == true else { return (json, []) }
        let flowTests = items.filter { $0["kind"]?.string == FlowTest.kind }
        guard flowTests.count == 1 else {
            let found = flowTests.isEmpty ? "no FlowTest" : "\(flowTests.count) FlowTests"
            throw ReportInputError(source: source, problem: "a list with \(found); expected one FlowTest and its reports (select them with -l flowtest.dev/name=NAME)")
        }
        return (flowTests[0], items.filter { $0["kind"]?.string == FlowTestReport.kind })
    }
}
