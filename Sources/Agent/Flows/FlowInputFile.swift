import Foundation

/// Reads a flows command's input: a file, or `-` for stdin.
enum FlowInputFile {
    /// The text of `path`, or an error naming it.
    static func read(_ path: String) throws(FlowInputError) -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw FlowInputError(source: path, line: nil, problem: "cannot read: \((error as NSError).localizedDescription)")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FlowInputError(source: path == "-" ? "stdin" : path, line: nil, problem: "not UTF-8 text")
        }
        return text
    }
}
