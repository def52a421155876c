import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster (Debian's postgresql 15) on a free port of loopback, for one
/// test: initdb into a temporary directory, a superuser `flowtest` with trust authentication
/// (FlowTest's client logs in without a password), and a database `flowtest`.
///
/// PostgreSQL refuses to run as root, and CI runs as root: initdb and postgres run as nobody.
final class PostgresCluster: Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"
    let port: Int
    let directory: URL
    let server: AgentProcess

    /// The statements the server ran so far (`log_statement = all`), one log line each, after
    /// the `application_name` of the session that ran it in brackets.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("log/postgres.log"), encoding: .utf8)) ?? ""
    }

    private init(port: Int, directory: URL, server: AgentProcess) {
        (self.port, self.directory, self.server) = (port, directory, server)
    }

    static func start() async throws -> PostgresCluster {
        try #require(
            FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres"),
            "\(binaries)/postgres is missing: .ci/run installs it (apt-get install postgresql)")
        let directory = try AgentProcess.directoryForNobody("postgres")
        let data = directory.appendingPathComponent("data").path
        let initdb = try AgentProcess.asNobody(
            in: directory, "\(binaries)/initdb", ["-D", data, "-U", "flowtest", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        let created = await initdb.finish(within: .seconds(60))
        try #require(created.code == 0 && !created.timedOut, "initdb failed: \(created.err.suffix(2000))")
        let port = try await FreePort.tcp()
        // The log goes to a file (the collector), not to a pipe that nobody reads until the end.
        let server = try AgentProcess.asNobody(in: directory, "\(binaries)/postgres", [
            "-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", directory.path, "-c", "fsync=off",
            "-c", "logging_collector=on", "-c", "log_directory=\(directory.path)/log", "-c", "log_filename=postgres.log",
            "-c", "log_statement=all", "-c", "log_line_prefix=[%a] ",
        ])
        let cluster = PostgresCluster(port: port, directory: directory, server: server)
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? TestSocket.tcp(port)) == nil {
            guard server.process.isRunning, ContinuousClock.now < deadline else {
                let output = await cluster.stop()
                try #require(Bool(false), "postgres is not listening on \(port): \(output.suffix(2000))")
                return cluster
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let createdb = try AgentProcess(
            ["-h", "127.0.0.1", "-p", String(port), "-U", "flowtest", "flowtest"], executable: URL(fileURLWithPath: "\(binaries)/createdb"))
        let database = await createdb.finish(within: .seconds(30))
        if database.code != 0 || database.timedOut {
            let output = await cluster.stop()
            try #require(Bool(false), "createdb failed: \(database.err) \(output.suffix(2000))")
        }
        return cluster
    }

    /// Stops the server (SIGINT: fast shutdown, which postgres unblocks for itself; SIGKILL
    /// after 15 s) and removes the cluster; returns the server's log.
    func stop() async -> String {
        server.signal(SIGINT)
        let result = await server.finish(within: .seconds(15))
        let text = log
        try? FileManager.default.removeItem(at: directory)
        return result.err + text
    }
}
