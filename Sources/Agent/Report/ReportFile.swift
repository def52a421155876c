import FlowTestShared
import Foundation

/// Writes a report: to a file, or to standard output.
enum ReportFile {
    /// Writes the report of `flowTest` (with its status) to `path`, or stdout for `-`.
    static func write(_ flowTest: FlowTest, to path: String) throws(ReportOutputError) {
        let html = HTMLReport(flowTest: flowTest, status: flowTest.status ?? FlowTestStatus()).html()
        try write(html, to: path)
    }

    static func write(_ html: String, to path: String) throws(ReportOutputError) {
        if path == "-" {
            FileHandle.standardOutput.write(Data(html.utf8))
            return
        }
        do { try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ReportOutputError(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
