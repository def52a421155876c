import Foundation

/// Files of this repository, found from this source file's location (tests read the examples,
/// the CRD and the Helm chart).
public enum RepositoryFile {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    public static func examples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "examples/" + $0 }
    }
}
