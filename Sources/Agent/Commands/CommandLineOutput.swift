import ArgumentParser
import Foundation

/// The few things commands write outside the logger: their result on stdout, fatal lines on stderr.
enum CommandLineOutput {
    /// Writes the command's result (a JSON summary) as one line on stdout.
    static func result(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes lines for people on stderr (tables, notes), away from the result on stdout.
    static func lines(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes `message` as one line on stderr and exits with `code`.
    static func fail(_ message: String, code: ExitCode) -> Never {
        FileHandle.standardError.write(Data("flowtest-agent: \(message)\n".utf8))
        exit(code.rawValue)
    }
}
