import FlowTestShared
import Foundation

/// Reads the FlowTest a report is made of: `kubectl get flowtest NAME -o yaml|json`, or what
/// `flowtest-agent run` printed. The spec is read with the CRD's schema and defaults; the
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

    /// Parses a FlowTest document, YAML or JSON (JSON is YAML).
    static func parse(_ data: Data, source: String) throws(ReportInputError) -> ReportInput {
        guard !data.isEmpty else { throw ReportInputError(source: source, problem: "empty input; expected a FlowTest from kubectl get flowtest NAME -o yaml") }
        let json: JSONValue
        do { json = try JSONValue(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw ReportInputError(source: source, problem: "not YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard case .object(var members) = json else {
            throw ReportInputError(source: source, problem: "not a FlowTest: expected an object with kind FlowTest")
        }
        guard members["kind"]?.string == FlowTest.kind, members["apiVersion"]?.string?.hasPrefix(FlowTest.group + "/") == true else {
            let kind = members["kind"]?.string.map { "kind \"\($0)\"" } ?? (members["items"] != nil ? "a list (get one FlowTest by name)" : "no kind")
            throw ReportInputError(source: source, problem: "not a FlowTest: \(kind); expected apiVersion \(FlowTest.apiVersion), kind FlowTest")
        }
        let statusJSON = members.removeValue(forKey: "status")
        let flowTest: FlowTest
        switch FlowTest.validated(.object(members)) {
        case .success(let valid): flowTest = valid
        case .failure(let error):
            throw ReportInputError(source: source, problem: "its spec is not valid: \(error.errors.first?.description ?? "")")
        }
        let (status, unreadable) = FlowTestStatus.lenient(statusJSON)
        guard let status else {
            throw ReportInputError(source: source, problem: statusJSON == nil ? "status: missing; the FlowTest has not run yet" : "status: cannot be read as a FlowTest status")
        }
        guard status.summary != nil || !(status.agents ?? [:]).isEmpty else {
            throw ReportInputError(source: source, problem: "status has no figures: no summary and no agent reports yet (phase \(status.phase?.rawValue ?? "unset"))")
        }
        return ReportInput(flowTest: flowTest, status: status, unreadableAgents: unreadable)
    }
}
