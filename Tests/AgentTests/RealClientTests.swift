import FakeKubernetes
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The echo's protocols against real clients, the other side of RealServerTests (the
/// generator against real servers): PyMySQL (MySQL), pymongo (MongoDB, for which Debian has no
/// server at all), OpenSSH's and OpenSSL's clients, psql and redis-cli. Each must take the echo
/// for a server of its protocol as far as the echo goes, and the echo counts nothing malformed.
/// PyMySQL and pymongo come from pip, the others from Debian (.ci/run installs them); a missing
/// one fails its test.
@Suite("Protocols against real clients: PyMySQL, pymongo, OpenSSH, OpenSSL, psql, redis-cli", .serialized, .timeLimit(.minutes(3)))
struct RealClientTests {
    /// What mysql-client-check.py read.
    struct MySQLRead: Decodable {
        var server: String
        var columns: [String]
        var rows: [[String]]
    }

    /// What mongo-client-check.py read.
    struct MongoRead: Decodable {
        var driver: String
        var ping: Double
        var serverType: String
        var maxWireVersion: Int
        var document: [String: String]?
    }

    /// Runs one of the repository's client scripts with python3 (bounded: a client waiting for
    /// a reply that never comes is killed) and decodes the JSON it prints.
    static func python<Read: Decodable>(
        _ script: String, _ arguments: [String], as: Read.Type, environment: [String: String] = [:]
    ) async throws -> Read {
        let process = try AgentProcess(
            ["python3", RepositoryFile.root.appendingPathComponent("scripts/\(script)").path] + arguments,
            environment: environment, executable: URL(fileURLWithPath: "/usr/bin/env"))
        let result = await process.finish(within: .seconds(60))
        try #require(!result.timedOut && result.code == 0, "\(script) \(result.timedOut ? "hung" : "exited \(result.code)"): \(result.err.suffix(3000))")
        return try JSONDecoder().decode(Read.self, from: Data(result.out.utf8))
    }

    /// PyMySQL connects as an application does: reads the greeting, logs in, sets the
    /// character set and autocommit (statements a server answers with OK, not rows), runs a
    /// query and reads its result set, pings, and quits.
    @Test func pyMySQLLogsInAndReadsAResultSet() async throws {
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [3306] }
        let read = try await Self.python("mysql-client-check.py", [String(echo.tcpPort), "1000"], as: MySQLRead.self)
        #expect(read.server == "8.0.36-flowtest-echo")
        // One row of one column, `repeat`: a result set of the 1,000 bytes asked for, 59 of
        // them packets around the row and 3 the value's length, so 938 letters.
        #expect(read.columns == ["repeat"] && read.rows.count == 1, "\(read)")
        #expect(read.rows.first?.first?.utf8.count == 938, "\(read.rows.first?.first?.count ?? -1) letters")
        let statistics = await echo.statistics(.tcp) { $0.sizedResponses >= 1 && $0.connectionsAccepted >= 1 && $0.connectionsActive == 0 }
        #expect(statistics.sizedResponses >= 1 && statistics.malformedRequests == 0, "\(statistics)")
        await echo.stop()
    }

    /// pymongo 4.10, installed apart by .ci/run: it opens with the legacy handshake most drivers
    /// still send (Go's, Java's, pymongo's before 4.14), `isMaster` over OP_QUERY.
    static let legacyPymongo = RepositoryFile.root.appendingPathComponent(".build/python/pymongo-4.10")

    /// pymongo's handshake is answered as a standalone server does, whether the driver opens
    /// with `hello` over OP_MSG (the current one) or the legacy `isMaster` over OP_QUERY (an
    /// OP_REPLY answers it), so the driver selects the echo, runs `ping` and a `find` over
    /// OP_MSG, and reads its one document.
    @Test(arguments: [false, true])
    func pymongoSelectsTheEchoAndFindsADocument(legacyHandshake: Bool) async throws {
        var environment: [String: String] = [:]
        if legacyHandshake {
            try #require(
                FileManager.default.fileExists(atPath: Self.legacyPymongo.appendingPathComponent("pymongo").path),
                "pymongo 4.10 is missing: .ci/run installs it (pip install --target .build/python/pymongo-4.10 pymongo==4.10.1)")
            environment["PYTHONPATH"] = Self.legacyPymongo.path
        }
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [27017] }
        let read = try await Self.python("mongo-client-check.py", [String(echo.tcpPort), "1000"], as: MongoRead.self, environment: environment)
        #expect(legacyHandshake == (read.driver == "4.10.1"), "pymongo \(read.driver)")
        #expect(read.ping == 1 && read.serverType == "Standalone" && read.maxWireVersion == 21, "\(read)")
        // A reply of the 1,000 bytes asked for: 117 of OP_MSG and BSON around the letters, and
        // the namespace `flowtest.flowtest`, so 866 letters.
        let document = try #require(read.document, "find returned no document")
        #expect(document["_id"] == "1" && document["data"]?.utf8.count == 866, "\(document)")
        let statistics = await echo.statistics(.tcp) { $0.sizedResponses >= 3 }
        #expect(statistics.sizedResponses >= 3 && statistics.malformedRequests == 0, "the handshake, ping and find answered: \(statistics)")
        await echo.stop()
    }

    /// OpenSSH's client reads the echo's version line and KEXINIT and agrees on algorithms
    /// from it; its key exchange message then gets the echo's DISCONNECT (no keys here), which
    /// is a well-formed end, not a malformed request. The echo answers the next client too.
    @Test func openSSHReadsTheVersionAndKexInitAndAgreesOnAlgorithms() async throws {
        let ssh = "/usr/bin/ssh"
        try #require(FileManager.default.isExecutableFile(atPath: ssh), "\(ssh) is missing: .ci/run installs it (apt-get install openssh-client)")
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [22] }
        // No configuration, keys or known hosts of this machine's: the run is the same everywhere.
        let client = try AgentProcess([
            "-vvv", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-p", String(echo.tcpPort), "flowtest@127.0.0.1", "true",
        ], executable: URL(fileURLWithPath: ssh))
        let result = await client.finish(within: .seconds(30))
        let log = result.err
        #expect(!result.timedOut && result.code == 255, "\(log.suffix(3000))")
        #expect(log.contains("Remote protocol version 2.0, remote software version FlowTest_1.0"), "\(log.suffix(3000))")
        #expect(log.contains("SSH2_MSG_KEXINIT received"), "\(log.suffix(3000))")
        #expect(log.contains("kex: algorithm: curve25519-sha256"), "\(log.suffix(3000))")
        #expect(log.contains("kex: host key algorithm: ssh-ed25519"), "\(log.suffix(3000))")
        #expect(log.contains("kex: server->client cipher: aes128-ctr MAC: hmac-sha2-256 compression: none"), "\(log.suffix(3000))")
        #expect(log.contains("Received disconnect from 127.0.0.1 port \(echo.tcpPort):3: the FlowTest echo does no key exchange"), "\(log.suffix(3000))")
        #expect(!log.contains("Bad packet length") && !log.contains("invalid format") && !log.contains("Corrupted"), "\(log.suffix(3000))")
        let statistics = await echo.statistics(.tcp) { $0.connectionsAccepted >= 1 && $0.connectionsActive == 0 }
        #expect(statistics.malformedRequests == 0, "\(statistics)")
        // Still serving: a new client's version line is answered with the echo's at once.
        let socket = try TestSocket.tcp(echo.tcpPort)
        try socket.send(Array("SSH-2.0-check\r\n".utf8))
        let version = try await blocking { try socket.receiveOnce() }
        #expect(String(decoding: version, as: UTF8.self).hasPrefix("SSH-2.0-FlowTest_1.0\r\n"))
        await echo.stop()
    }

    /// Runs a Debian client program to its end (bounded), with `environment`.
    static func client(_ path: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (code: Int32, out: String, err: String) {
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: .ci/run installs it")
        let process = try AgentProcess(arguments, environment: environment, executable: URL(fileURLWithPath: path))
        let result = await process.finish(within: .seconds(30))
        try #require(!result.timedOut, "\(path) hung: \(result.err.suffix(2000))")
        return (result.code, result.out, result.err)
    }

    /// psql (libpq) connects as it does by default: an SSLRequest first (the echo, without TLS,
    /// answers `N`, and libpq goes on in the clear), its startup, then the query; it prints the
    /// one value of the result, the size asked for less the 63 bytes of messages around it.
    @Test func psqlQueriesTheEcho() async throws {
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [5432] }
        let result = try await Self.client(
            "\(PostgresCluster.binaries)/psql",
            ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(echo.tcpPort), "-U", "flowtest", "-d", "flowtest",
             "-c", "SELECT repeat('x', 137) /* flowtest response-size=200 */"],
            environment: ["PGCONNECT_TIMEOUT": "10", "PGSSLMODE": "prefer", "PGAPPNAME": "flowtest-77"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.trimmingCharacters(in: .newlines).utf8.count == 137, "\(result.out)")
        let statistics = await echo.statistics(.tcp) { $0.connectionsAccepted >= 1 && $0.connectionsActive == 0 }
        #expect(statistics.sizedResponses == 1 && statistics.malformedRequests == 0, "\(statistics)")
        await echo.stop()
    }

    /// redis-cli sends its command as a RESP array and prints the bulk string of the echo's
    /// reply: 93 letters for a 100-byte reply (`$93`, CRLF, the letters, CRLF).
    @Test func redisCLIGetsTheBulkString() async throws {
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [6379] }
        let result = try await Self.client("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", String(echo.tcpPort), "GET", "flowtest:100:5:"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.trimmingCharacters(in: .newlines).utf8.count == 93, "\(result.out)")
        let statistics = await echo.statistics(.tcp) { $0.connectionsAccepted >= 1 && $0.connectionsActive == 0 }
        #expect(statistics.sizedResponses >= 1 && statistics.malformedRequests == 0, "\(statistics)")
        await echo.stop()
    }

    /// OpenSSL's client takes the echo's ServerHello (TLS 1.3, TLS_AES_128_GCM_SHA256, x25519,
    /// its own session id echoed) as valid and derives handshake keys from it; the record
    /// standing for the encrypted handshake then fails to decrypt, as it must without a real
    /// key exchange: a bad_record_mac, not a decode error.
    @Test func openSSLClientTakesTheServerHello() async throws {
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [443] }
        let result = try await Self.client("/usr/bin/openssl", [
            "s_client", "-connect", "127.0.0.1:\(echo.tcpPort)", "-servername", "www.flowtest.example", "-tls1_3", "-msg", "-no_ign_eof",
        ])
        let output = result.out + result.err
        #expect(result.code != 0, "\(output.suffix(3000))")
        // 122 bytes: OpenSSL sends a 32-byte session id (middlebox compatibility), echoed back.
        #expect(output.contains("<<< TLS 1.3, Handshake [length 007a], ServerHello"), "\(output.suffix(3000))")
        #expect(output.contains("Server Temp Key: X25519") && output.contains("Cipher is TLS_AES_128_GCM_SHA256"), "\(output.suffix(3000))")
        #expect(output.contains("Alert [length 0002], fatal bad_record_mac"), "\(output.suffix(3000))")
        for refusal in ["decode error", "illegal parameter", "wrong version number", "unexpected message", "record layer failure"] {
            #expect(!output.contains(refusal), "\(refusal): \(output.suffix(3000))")
        }
        let statistics = await echo.statistics(.tcp) { $0.connectionsAccepted >= 1 && $0.connectionsActive == 0 }
        #expect(statistics.malformedRequests == 0, "\(statistics)")
        await echo.stop()
    }
}
