import Foundation

extension AgentProcess {
    /// Runs `binary` as nobody (uid and gid 65534), in `directory`: database servers refuse to
    /// run as root, which CI is, and nobody may not read the test's own working directory.
    /// setpriv execs rather than forks, so the signals sent reach the server itself.
    static func asNobody(in directory: URL, _ binary: String, _ arguments: [String]) throws -> AgentProcess {
        try AgentProcess(
            ["-C", directory.path, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", binary] + arguments,
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// A directory of its own under the temporary one, given to nobody.
    static func directoryForNobody(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: directory.path)
        return directory
    }
}
