import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, run headless on a file: its DOM after load, or a screenshot. Each run
/// has a profile of its own and a bound; a run past it is killed and the test fails.
struct HeadlessChromium {
    let executable: String
    var timeout: Duration = .seconds(90)

    /// The test needs a real browser: one that is missing is a failure that says how to get it.
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "chromium is not on PATH: the report's browser test needs it (apt-get install -y --no-install-recommends chromium; .ci/run installs it)"
        }
    }

    /// Finds `chromium` on PATH.
    static func locate() throws -> HeadlessChromium {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessChromium(executable: candidate) }
        }
        throw Missing()
    }

    /// The page's DOM once it has loaded and its scripts have run.
    func dumpDOM(_ file: URL) async throws -> String {
        try await run(["--dump-dom", file.absoluteString]).out
    }

    /// A PNG of the page's top `width` × `height` pixels.
    func screenshot(_ file: URL, to png: URL, width: Int = 1100, height: Int = 4200) async throws {
        let result = try await run(["--hide-scrollbars", "--screenshot=\(png.path)", "--window-size=\(width),\(height)", file.absoluteString])
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw HarnessTimeout(description: "chromium wrote no screenshot (exit \(result.code)): \(result.err.suffix(1000))")
        }
    }

    private func run(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        // No sandbox: the tests run as root in a container; no GPU: there is none.
        let browser = try AgentProcess(
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments,
            executable: URL(fileURLWithPath: executable))
        let process = browser.process
        // Read while it runs: a DOM larger than the pipe's buffer would block it forever.
        async let finished = browser.finish()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning {
            // Its child processes are in its process group only when it made one: kill both ways.
            kill(-process.processIdentifier, SIGKILL)
            browser.signal(SIGKILL)
            _ = await finished
            throw HarnessTimeout(description: "chromium did not finish within \(timeout): \(arguments.last ?? "")")
        }
        return await finished
    }
}
