import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `flowtest-controller run` in a process of its own, so that its CPU time and memory
/// are measured apart from the fake API server's and the simulated agents' (this process).
final class ControllerProcess {
    let process = Process()

    init(executable: String, kubeconfig: String, namespace: String, log: String) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "run", "--kubeconfig", kubeconfig, "--namespaces", namespace, "--metrics-port", "0", "--metrics-address", "127.0.0.1",
            "--log-level", "notice",
        ]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Its CPU time and memory, read from /proc.
    var meter: ProcessMeter { ProcessMeter(pid: process.processIdentifier) }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// One process's CPU time and memory, as the kernel counts them (/proc/<pid>).
struct ProcessMeter: Sendable {
    let pid: Int32

    /// User plus system CPU seconds so far (fields 14 and 15 of /proc/<pid>/stat).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .nan }
        // After the command's closing parenthesis: field 3 (state) onwards.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak and current resident memory in bytes (VmHWM and VmRSS of /proc/<pid>/status).
    func memory() -> (peak: Int, resident: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kibibytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kibibytes("VmHWM"), kibibytes("VmRSS"))
    }
}
