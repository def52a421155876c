import Foundation

/// The built `flowtest-agent` binary, run as a real process.
/// `@unchecked Sendable`: Process and Pipe predate Sendable; each is used by one task at a time here.
struct AgentProcess: @unchecked Sendable {
    let process = Process()
    let standardOutput = Pipe()
    let standardError = Pipe()

    /// The binary `swift build` put next to the test bundle.
    static var executable: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("flowtest-agent") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Starts the process; with `unread`, its stdout and stderr both go into that pipe, which
    /// nobody reads (and `finish()` must not be called).
    init(_ arguments: [String], environment: [String: String] = [:], executable: URL = Self.executable, unread: UnreadPipe? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FLOWTEST_") }
        merged.merge(environment) { _, new in new }
        process.environment = merged
        process.standardOutput = unread?.writeEnd ?? standardOutput
        process.standardError = unread?.writeEnd ?? standardError
        try process.run()
        unread?.closeWriteEnd()
    }

    /// Runs to the end and returns exit code, stdout and stderr.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (code: Int32, out: String, err: String) {
        let agent = try AgentProcess(arguments, environment: environment)
        return await agent.finish()
    }

    /// Waits for exit (reading both pipes meanwhile, so a full pipe never blocks the child).
    /// Blocking reads and waits run on threads of their own (`blocking`): on the two-thread
    /// concurrency pool they would stall every other task, the code under test included.
    func finish() async -> (code: Int32, out: String, err: String) {
        let (process, output, errors) = (self.process, standardOutput, standardError)
        async let out = try? blocking { String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        async let err = try? blocking { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        let (stdout, stderr) = await (out ?? "", err ?? "")
        _ = try? await blocking { process.waitUntilExit() }
        return (process.terminationStatus, stdout, stderr)
    }

    /// Runs another program found on PATH (python3, promtool, prometheus) the same way.
    static func runTool(_ tool: String, _ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
        try await AgentProcess([tool] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env")).finish()
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Polls stderr-logged startup by probing `/readyz` on `metricsPort` until it answers 200.
    static func waitUntilReady(metricsPort: Int, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw AgentProcessError.notReady
    }
}
