import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway MariaDB server (Debian's mariadb-server, MySQL's protocol) on a free port of
/// loopback, for one test: a fresh data directory, a user `flowtest` without a password (what
/// FlowTest's client logs in as) and its database `flowtest`, made by the server's init file.
/// It runs as nobody (see `AgentProcess.asNobody`) and logs every statement (the general log).
final class MariaDBServer: Sendable {
    let port: Int
    let directory: URL
    let server: AgentProcess

    /// The general log: one line per connection and per statement.
    var generalLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("general.log"), encoding: .utf8)) ?? ""
    }

    private init(port: Int, directory: URL, server: AgentProcess) {
        (self.port, self.directory, self.server) = (port, directory, server)
    }

    static func start() async throws -> MariaDBServer {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/mariadbd"),
            "/usr/sbin/mariadbd is missing: .ci/run installs it (apt-get install mariadb-server)")
        let directory = try AgentProcess.directoryForNobody("mariadb")
        let data = directory.appendingPathComponent("data").path
        // --no-defaults: none of the machine's /etc/mysql configuration; the test's alone.
        let install = try AgentProcess.asNobody(
            in: directory, "/usr/bin/mariadb-install-db",
            ["--no-defaults", "--datadir=\(data)", "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"])
        let installed = await install.finish(within: .seconds(60))
        try #require(installed.code == 0 && !installed.timedOut, "mariadb-install-db failed: \(installed.err.suffix(2000))")
        let initFile = directory.appendingPathComponent("init.sql")
        try """
            CREATE USER 'flowtest'@'%' IDENTIFIED BY '';
            CREATE DATABASE flowtest;
            GRANT ALL ON flowtest.* TO 'flowtest'@'%';
            """.write(to: initFile, atomically: true, encoding: .utf8)
        let port = try await FreePort.tcp()
        let server = try AgentProcess.asNobody(in: directory, "/usr/sbin/mariadbd", [
            "--no-defaults", "--datadir=\(data)", "--socket=\(directory.path)/mariadbd.sock", "--port=\(port)", "--bind-address=127.0.0.1",
            "--skip-name-resolve", "--init-file=\(initFile.path)", "--general-log", "--general-log-file=\(directory.path)/general.log",
            "--log-error=\(directory.path)/error.log", "--pid-file=\(directory.path)/mariadbd.pid",
        ])
        let mariadb = MariaDBServer(port: port, directory: directory, server: server)
        let deadline = ContinuousClock.now + .seconds(30)
        // Ready once it listens and its init file has made the user (it runs before the first
        // connection is served, so a connection accepted means the user exists).
        while (try? TestSocket.tcp(port)) == nil {
            guard server.process.isRunning, ContinuousClock.now < deadline else {
                let output = await mariadb.stop()
                try #require(Bool(false), "mariadbd is not listening on \(port): \(output.suffix(2000))")
                return mariadb
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return mariadb
    }

    /// Stops the server (SIGTERM, which mariadbd unblocks for its signal thread; SIGKILL after
    /// 15 s) and removes its directory; returns its error log.
    func stop() async -> String {
        server.signal(SIGTERM)
        let result = await server.finish(within: .seconds(15))
        let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        return result.err + log
    }
}
