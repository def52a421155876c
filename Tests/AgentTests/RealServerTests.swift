import FlowTestProtocols
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

#if canImport(Glibc)
import Glibc
#endif

/// The protocols through real servers and proxies from Debian (installed by .ci/run): `web`
/// through haproxy in `mode http` and routed by SNI in `mode tcp`, against nginx as an external
/// target; `dns` through unbound forwarding to the echo; `database`'s RESP against redis-server
/// and its PostgreSQL through pgbouncer and against PostgreSQL itself, its MySQL against
/// MariaDB; `smtp` against OpenSMTPD and `ftp`'s control sessions against vsftpd, both as
/// external targets; and as far as FlowTest's TLS and SSH go (no handshake, no key exchange),
/// TLS against `openssl s_server` and `ssh` against sshd, which must parse their hellos.
/// A missing binary fails the test.
@Suite(
    "Protocols through real proxies and servers: haproxy, nginx, unbound, redis-server, pgbouncer, postgresql, mariadb, opensmtpd, vsftpd, openssl, sshd",
    .serialized, .timeLimit(.minutes(3)))
struct RealServerTests {
    /// A server run for one test; killed at the end (SIGKILL: this process's children inherit
    /// its threads' blocked signals, so SIGTERM could stay pending).
    final class Server: Sendable {
        let process: AgentProcess
        let directory: URL

        /// Writes `config` (and `files`) into a directory of its own, then starts `binary`.
        init(_ binary: String, _ arguments: [String], config: String, named: String, files: [String: String] = [:]) throws {
            try #require(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is missing: .ci/run installs it (apt-get install haproxy nginx-light unbound redis-server pgbouncer opensmtpd vsftpd)")
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-\(named)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("\(named).conf").path
            // haproxy refuses a configuration whose last line has no newline.
            try (config.replacingOccurrences(of: "@DIR@", with: directory.path) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            process = try AgentProcess(arguments.map { $0 == "@CONF@" ? path : $0 }, executable: URL(fileURLWithPath: binary))
        }

        func stop() async -> String {
            process.signal(SIGKILL)
            let (_, out, err) = await process.finish()
            try? FileManager.default.removeItem(at: directory)
            return out + err
        }
    }

    /// Waits until something accepts TCP connections on `port`.
    static func waitForTCP(_ port: Int, _ server: Server) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if (try? TestSocket.tcp(port)) != nil { return }
            if !server.process.process.isRunning {
                let output = await server.stop()
                try #require(Bool(false), "the server exited: \(output.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("nothing listens on \(port) after 20 s")
    }

    /// A generator of `flows` flows of one built-in pattern sent to `ports`, each speaking the
    /// protocol of the well-known port beside it.
    static func run(
        _ entry: TrafficMixEntry, ports: [(sent: Int, named: Int)], transport: Transport, flows: UInt64 = 12, messages: SizeRange = SizeRange(min: 2, max: 5),
        responseTimeout: Duration = .seconds(5)
    ) async throws -> TrafficCounters {
        var entry = entry
        entry.ports = ports.map { Int64($0.named) }
        entry.protocol = transport
        entry.messages = messages
        let map = Dictionary(uniqueKeysWithValues: ports.map { ($0.named, $0.sent) })
        // Flows end by their exchanges, not by their lifetime, which a loaded machine or a slow
        // server could cut short: a constant flow lives maxConcurrent/rate, 6 s here (at 6 open
        // and 10/s it was 0.6 s, and one smtp flow under stress ended after 7 of its 8 exchanges).
        let runner = TrafficMixTests.mixRunner([entry], flows: flows, maxConcurrent: 60, tcpPort: ports[0].sent) { configuration in
            configuration.messageInterval = .milliseconds(5)
            configuration.rate = 10
            configuration.responseTimeout = responseTimeout
            configuration.remapMixPorts(PerTransport(tcp: map, udp: map))
        }
        let (service, _) = runner.makeService()
        try await service.run()
        return try #require(service.statistics.snapshot().patterns[entry.pattern]).counters
    }

    @Test func webThroughHaproxyInHTTPModeAndRoutedBySNI() async throws {
        let echo = try await EchoFixture.start()
        let (http, tls) = (try await FreePort.tcp(), try await FreePort.tcp())
        let haproxy = try Server("/usr/sbin/haproxy", ["-f", "@CONF@", "-db"], config: """
            defaults
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend web
              mode http
              option http-keep-alive
              bind 127.0.0.1:\(http)
              default_backend echo-http
            backend echo-http
              mode http
              server echo 127.0.0.1:\(echo.tcpPort)
            frontend sni
              mode tcp
              bind 127.0.0.1:\(tls)
              tcp-request inspect-delay 5s
              tcp-request content accept if { req.ssl_hello_type 1 }
              use_backend echo-tls if { req.ssl_sni -i www.flowtest.example }
            backend echo-tls
              mode tcp
              server echo 127.0.0.1:\(echo.tcpPort)
            """, named: "haproxy")
        try await Self.waitForTCP(http, haproxy)
        try await Self.waitForTCP(tls, haproxy)
        // Every request answered 200 through the proxy (a 400 would fail its flow), every
        // ClientHello routed by its SNI to the echo.
        let web = try await Self.run(TrafficMixEntry(pattern: "web", weight: 1), ports: [(http, 80), (tls, 443)], transport: .tcp)
        #expect(web.flowsCompleted == 12 && web.flowsFailed == 0, "\(web)")
        #expect(echo.statistics(.tcp).sizedResponses == web.messagesReceived && echo.statistics(.tcp).malformedRequests == 0)
        // Another server name matches no rule: haproxy closes those connections, and only those.
        var other = TrafficMixEntry(pattern: "web", weight: 1)
        other.host = "other.example"
        let routed = try await Self.run(other, ports: [(http, 80), (tls, 443)], transport: .tcp)
        #expect(routed.flowsCompleted == 6 && routed.flowsFailed == 6, "the 6 TLS flows of 12 fail: \(routed)")
        let log = await haproxy.stop()
        #expect(!log.contains("ALERT"), "\(log.suffix(2000))")
        await echo.stop()
    }

    @Test func webAgainstNginxAsAnExternalTarget() async throws {
        let port = try await FreePort.tcp()
        let nginx = try Server("/usr/sbin/nginx", ["-c", "@CONF@", "-p", "/tmp", "-g", "daemon off;"], config: """
            master_process off;
            worker_processes 1;
            error_log @DIR@/error.log;
            pid @DIR@/nginx.pid;
            events { worker_connections 256; }
            http {
              access_log @DIR@/access.log;
              client_body_temp_path @DIR@/body;
              proxy_temp_path @DIR@/proxy;
              fastcgi_temp_path @DIR@/fastcgi;
              uwsgi_temp_path @DIR@/uwsgi;
              scgi_temp_path @DIR@/scgi;
              server {
                listen 127.0.0.1:\(port);
                location = /flowtest { return 200 "served by nginx\\n"; }
              }
            }
            """, named: "nginx")
        try await Self.waitForTCP(port, nginx)
        let web = try await Self.run(TrafficMixEntry(pattern: "web", weight: 1), ports: [(port, 80)], transport: .tcp)
        #expect(web.flowsCompleted == 12 && web.flowsFailed == 0, "\(web)")
        let accessLog = (try? String(contentsOf: nginx.directory.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
        let served = accessLog.split(separator: "\n").filter { $0.contains("\"GET /flowtest HTTP/1.1\" 200 ") }
        #expect(UInt64(served.count) == web.messagesReceived, "\(accessLog.suffix(1000))")
        // A path the server does not have: 404, and the flows fail as corrupted.
        var missing = TrafficMixEntry(pattern: "web", weight: 1)
        missing.path = "/missing"
        let refused = try await Self.run(missing, ports: [(port, 80)], transport: .tcp, flows: 4)
        #expect(refused.flowsFailed == 4 && refused.failures["corrupted"] == 4, "\(refused)")
        _ = await nginx.stop()
    }

    @Test func dnsThroughUnboundForwardingToTheEcho() async throws {
        let echo = try await EchoFixture.start()
        let port = try await FreePort.tcp()
        let unbound = try Server("/usr/sbin/unbound", ["-d", "-c", "@CONF@"], config: """
            server:
              interface: 127.0.0.1
              port: \(port)
              do-daemonize: no
              username: ""
              chroot: ""
              directory: "@DIR@"
              pidfile: ""
              use-syslog: no
              do-ip6: no
              access-control: 127.0.0.0/8 allow
              do-not-query-localhost: no
              module-config: "iterator"
              verbosity: 1
            forward-zone:
              name: "flowtest.example."
              forward-addr: 127.0.0.1@\(echo.udpPort)
            """, named: "unbound")
        // Ready once it answers a query (the echo's answer, through unbound).
        var query: [UInt8] = []
        DNSMessage.appendQuery(id: 7, name: "dns.flowtest.example", size: 40, responseSize: 100, into: &query)
        let deadline = ContinuousClock.now + .seconds(20)
        var answer: [UInt8] = []
        while answer.isEmpty, ContinuousClock.now < deadline {
            if !unbound.process.process.isRunning {
                let output = await unbound.stop()
                try #require(Bool(false), "unbound exited: \(output.suffix(2000))")
            }
            let socket = try TestSocket(Int32(SOCK_DGRAM.rawValue), host: "127.0.0.1", port: port, receiveTimeout: .milliseconds(200))
            try socket.send(query)
            answer = (try? socket.receiveOnce()) ?? []
        }
        #expect(try answer.withUnsafeBytes { try DNSMessage.answerID($0) } == 7, "unbound forwarded the echo's answer")
        let dns = try await Self.run(TrafficMixEntry(pattern: "dns", weight: 1), ports: [(port, 53)], transport: .udp)
        #expect(dns.flowsCompleted == 12 && dns.flowsFailed == 0 && dns.messagesReceived == dns.messagesSent, "\(dns)")
        #expect(echo.statistics(.udp).sizedResponses >= 1 && echo.statistics(.udp).malformedRequests == 0, "the echo answered unbound")
        _ = await unbound.stop()
        await echo.stop()
    }

    /// A real Redis answers FlowTest's GETs (`$-1`: no such key), and a real client's bytes reach
    /// no error: the RESP the echo reads is the RESP redis-server reads.
    @Test func databaseRESPAgainstRedisServerAsAnExternalTarget() async throws {
        let port = try await FreePort.tcp()
        let redis = try Server(
            "/usr/bin/redis-server", ["@CONF@"],
            config: "port \(port)\nbind 127.0.0.1\nsave \"\"\nappendonly no\ndir @DIR@\nlogfile \"\"\n", named: "redis")
        try await Self.waitForTCP(port, redis)
        let database = try await Self.run(TrafficMixEntry(pattern: "database", weight: 1), ports: [(port, 6379)], transport: .tcp)
        #expect(database.flowsCompleted == 12 && database.flowsFailed == 0 && database.messagesReceived == database.messagesSent, "\(database)")
        // `$-1\r\n` per GET: redis-server read every request as the command it is.
        #expect(database.bytesReceived == 5 * database.messagesReceived, "\(database)")
        _ = await redis.stop()
    }

    /// PostgreSQL's protocol through pgbouncer (session pooling, trust): pgbouncer logs in to the
    /// echo as a server (startup, its parameters, its reset query) and relays every query.
    @Test func databasePostgresThroughPgbouncerToTheEcho() async throws {
        let echo = try await EchoFixture.start()
        let port = try await FreePort.tcp()
        // pgbouncer refuses to run as root: -u drops to the user its Debian package made.
        let pgbouncer = try Server("/usr/sbin/pgbouncer", ["-u", "postgres", "@CONF@"], config: """
            [databases]
            flowtest = host=127.0.0.1 port=\(echo.tcpPort) dbname=flowtest user=flowtest

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            auth_type = trust
            auth_file = @DIR@/users.txt
            pool_mode = session
            unix_socket_dir =
            ignore_startup_parameters = application_name
            """, named: "pgbouncer", files: ["users.txt": "\"flowtest\" \"\"\n"])
        try await Self.waitForTCP(port, pgbouncer)
        let database = try await Self.run(TrafficMixEntry(pattern: "database", weight: 1), ports: [(port, 5432)], transport: .tcp)
        #expect(database.flowsCompleted == 12 && database.flowsFailed == 0 && database.messagesReceived == database.messagesSent, "\(database)")
        // Every query reached the echo through pgbouncer, plus what pgbouncer asks itself.
        #expect(echo.statistics(.tcp).sizedResponses >= database.messagesReceived && echo.statistics(.tcp).malformedRequests == 0)
        let log = await pgbouncer.stop()
        #expect(!log.contains("ERROR") && !log.contains("FATAL"), "\(log.suffix(2000))")
        await echo.stop()
    }

    /// PostgreSQL itself as an external target (a cluster of Debian's postgresql 15, trust
    /// authentication): it takes each flow's startup and runs every simple query, and its
    /// answers are the sizes the flows asked for, as the `repeat` in the query makes them.
    @Test func databasePostgresAgainstPostgreSQLAsAnExternalTarget() async throws {
        let postgres = try await PostgresCluster.start()
        var entry = TrafficMixEntry(pattern: "database", weight: 1)
        entry.responseSize = SizeRange(min: 1_000, max: 1_000)
        let database = try await Self.run(entry, ports: [(postgres.port, 5432)], transport: .tcp)
        #expect(database.flowsCompleted == 12 && database.flowsFailed == 0 && database.messagesReceived == database.messagesSent, "\(database)")
        let log = await postgres.stop()
        let statements = log.split(separator: "\n").filter { $0.contains("statement: SELECT repeat('x', 937) /* flowtest response-size=1000 flow=") }
        #expect(statements.count == Int(database.messagesSent), "the server ran every query: \(log.suffix(2000))")
        // Each answer is the 1,000 bytes asked for (RowDescription, a DataRow of repeat's 937
        // letters, CommandComplete, ReadyForQuery); what is left is the 12 flows' openings
        // (AuthenticationOk, the server's parameters, BackendKeyData, ReadyForQuery), alike but
        // for the application_name each flow gave and the server echoes (`flowtest-<flow>`).
        let names = Set(statements.compactMap { $0.hasPrefix("[flowtest-") ? $0.prefix { $0 != "]" }.dropFirst() : nil })
        #expect(names.count == 12, "\(names)")
        let openings = Int(database.bytesReceived) - 1_000 * Int(database.messagesReceived) - names.map(\.utf8.count).reduce(0, +)
        #expect(openings % 12 == 0 && (100...2_000).contains(openings / 12), "\(openings) bytes of openings in \(database)")
        #expect(!log.contains("ERROR:") && !log.contains("FATAL:"), "\(log.suffix(2000))")
    }

    /// MySQL's protocol against MariaDB as an external target (Debian's mariadb-server, a user
    /// `flowtest` without a password): it greets each flow, takes its login, runs every
    /// COM_QUERY and answers with a result set of about the size asked for.
    @Test func databaseMySQLAgainstMariaDBAsAnExternalTarget() async throws {
        let mariadb = try await MariaDBServer.start()
        var entry = TrafficMixEntry(pattern: "database", weight: 1)
        entry.responseSize = SizeRange(min: 1_000, max: 1_000)
        let database = try await Self.run(entry, ports: [(mariadb.port, 3306)], transport: .tcp)
        #expect(database.flowsCompleted == 12 && database.flowsFailed == 0 && database.messagesReceived == database.messagesSent, "\(database)")
        let log = mariadb.generalLog
        let queries = log.split(separator: "\n").filter { $0.contains("Query\tSELECT REPEAT('x', 930) /* flowtest response-size=1000 flow=") }
        #expect(queries.count == Int(database.messagesSent), "the server ran every query: \(log.suffix(2000))")
        #expect(log.split(separator: "\n").filter { $0.contains("Connect\tflowtest@") }.count == 12, "\(log.suffix(2000))")
        // Each result set is about the 1,000 bytes asked for (MariaDB's column definition names
        // the column by its expression, the echo's `repeat`); the rest is the flows' greetings
        // and logins' OKs, about 120 bytes each.
        let perQuery = (Double(database.bytesReceived) - 12 * 120) / Double(database.messagesReceived)
        #expect((980...1_020).contains(perQuery), "\(perQuery) bytes per query in \(database)")
        let errors = await mariadb.stop()
        #expect(!errors.contains("[ERROR]"), "\(errors.suffix(2000))")
    }

    /// TLS against OpenSSL's s_server as far as FlowTest's TLS goes: the server takes each
    /// flow's ClientHello (SNI, x25519 key share, the signature algorithms offered) and answers
    /// with its ServerHello and encrypted handshake; the flow's stand-in Finished then fails to
    /// decrypt (bad_record_mac), so against a real TLS server the flows fail as corrupted, as
    /// documented. What this checks is that a real TLS stack parses the ClientHello.
    @Test func tlsAgainstOpenSSLServerTakesTheClientHello() async throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-tls-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keys) }
        let (key, certificate) = (keys.appendingPathComponent("key.pem").path, keys.appendingPathComponent("cert.pem").path)
        // P-256: the ClientHello offers ecdsa_secp256r1_sha256 and RSA, not ed25519.
        let request = try AgentProcess([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
            "-subj", "/CN=www.flowtest.example", "-days", "1",
        ], executable: URL(fileURLWithPath: "/usr/bin/openssl"))
        let made = await request.finish(within: .seconds(30))
        try #require(made.code == 0, "\(made.err)")
        let port = try await FreePort.tcp()
        // Five connections, the readiness probe's and the four flows', then it exits, writing
        // out what it printed (a pipe is block-buffered, and a killed server would lose it);
        // -www: it answers HTTP rather than reading stdin, whose end would stop it.
        let server = try AgentProcess([
            "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-tls1_3", "-msg", "-www", "-naccept", "5",
            "-servername", "www.flowtest.example", "-cert2", certificate, "-key2", key,
        ], executable: URL(fileURLWithPath: "/usr/bin/openssl"))
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? TestSocket.tcp(port)) == nil, server.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let tls = try await Self.run(
            TrafficMixEntry(pattern: "web", weight: 1), ports: [(port, 443)], transport: .tcp, flows: 4, messages: SizeRange(min: 1, max: 1),
            responseTimeout: .seconds(3))
        // Each flow read the server's flight and sent its request. The server's alert is
        // encrypted (it has its handshake keys), so to the flow it is one more opaque record,
        // then the server closes: `closed`; `corrupted` where the reads fell so that the flight's
        // last records came after the opening's reply was complete.
        let ended = tls.failures["corrupted", default: 0] + tls.failures["closed", default: 0]
        #expect(tls.messagesSent == 4 && tls.messagesReceived == 0 && tls.flowsFailed == 4 && ended == 4, "\(tls)")
        let result = await server.finish(within: .seconds(20))
        let log = result.out + result.err
        func count(_ text: String) -> Int { log.components(separatedBy: text).count - 1 }
        #expect(count("], ClientHello") == 4 && count("], ServerHello") == 4, "\(log.suffix(3000))")
        #expect(count("Switching server context.") == 4, "the SNI matched -servername: \(log.suffix(3000))")
        #expect(count("bad_record_mac") == 4, "\(log.suffix(3000))")
        // The one decode_error: the readiness probe's connection, closed without a hello.
        #expect(count("decode_error") == 1, "\(log.suffix(3000))")
        for refusal in ["illegal_parameter", "handshake_failure", "unexpected_message", "protocol_version", "missing_extension"] {
            #expect(!log.contains(refusal), "\(refusal): \(log.suffix(3000))")
        }
    }

    /// SSH against OpenSSH's sshd as an external target, as far as FlowTest's SSH goes: sshd
    /// reads each flow's version line and KEXINIT and agrees on algorithms from it, then waits
    /// for a key exchange FlowTest does not make (no crypto library), so the flows' first
    /// exchange times out. What this checks is sshd's log: no packet it could not parse.
    @Test func sshAgainstSshdReadsTheVersionAndKexInit() async throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-sshd-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keys) }
        let hostKey = keys.appendingPathComponent("host_ed25519").path
        let keygen = try AgentProcess(["-q", "-t", "ed25519", "-N", "", "-f", hostKey], executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"))
        #expect(await keygen.finish(within: .seconds(30)).code == 0)
        // sshd refuses to start without its privilege separation directory, which Debian's init
        // would make at boot; these machines run no init.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let port = try await FreePort.tcp()
        let sshd = try Server("/usr/sbin/sshd", ["-D", "-e", "-f", "@CONF@"], config: """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(hostKey)
            PidFile @DIR@/sshd.pid
            UsePAM no
            LogLevel DEBUG3
            """, named: "sshd")
        try await Self.waitForTCP(port, sshd)
        let ssh = try await Self.run(
            TrafficMixEntry(pattern: "ssh", weight: 1), ports: [(port, 22)], transport: .tcp, flows: 4, messages: SizeRange(min: 1, max: 1),
            responseTimeout: .seconds(3))
        // Each flow read sshd's version line and KEXINIT (a flow sends its first request only
        // once its opening's reply is complete), then had no answer to its IGNORE packets:
        // sshd ignores them, as RFC 4253 11.2 says, and waits for the key exchange.
        #expect(ssh.messagesSent == 4 && ssh.messagesReceived == 0 && ssh.flowsFailed == 4 && ssh.failures["timeout"] == 4, "\(ssh)")
        let log = await sshd.stop()
        func count(_ text: String) -> Int { log.components(separatedBy: text).count - 1 }
        #expect(count("remote software version FlowTest_1.0") == 4, "\(log.suffix(3000))")
        #expect(count("kex: algorithm: curve25519-sha256") == 4, "\(log.suffix(3000))")
        #expect(count("kex: client->server cipher: aes128-ctr MAC: hmac-sha2-256 compression: none") == 4, "\(log.suffix(3000))")
        #expect(count("expecting SSH2_MSG_KEX_ECDH_INIT") == 4, "\(log.suffix(3000))")
        for refusal in ["Bad packet length", "invalid format", "Protocol error", "ssh_dispatch_run_fatal", "incomplete message"] {
            #expect(!log.contains(refusal), "\(refusal): \(log.suffix(3000))")
        }
    }

    /// SMTP against OpenSMTPD as an external target: it takes each flow's EHLO and mail
    /// transactions (MAIL FROM, RCPT TO, DATA, the message) for the FlowTest domain and delivers
    /// them to a command that drops them. smtpd starts as root (CI's user) and runs its sessions
    /// as the users its Debian package made; its queue is the package's /var/spool/smtpd.
    @Test func smtpAgainstOpenSMTPDAsAnExternalTarget() async throws {
        let port = try await FreePort.tcp()
        let config = """
            table catchall { "@" = "nobody" }
            listen on 127.0.0.1 port \(port)
            action "drop" mda "/bin/cat" virtual <catchall>
            match from any for domain "www.flowtest.example" action "drop"
            """
        // On a machine where smtpd never ran, its first start makes the queue's directories and
        // may exit while doing so: a second start then finds them.
        var smtpd = try Server("/usr/sbin/smtpd", ["-d", "-f", "@CONF@"], config: config, named: "smtpd")
        let firstStart = ContinuousClock.now + .seconds(10)
        while smtpd.process.process.isRunning, (try? TestSocket.tcp(port)) == nil, ContinuousClock.now < firstStart {
            try await Task.sleep(for: .milliseconds(50))
        }
        if !smtpd.process.process.isRunning {
            _ = await smtpd.stop()
            smtpd = try Server("/usr/sbin/smtpd", ["-d", "-f", "@CONF@"], config: config, named: "smtpd")
        }
        try await Self.waitForTCP(port, smtpd)
        // Eight exchanges a flow: two whole transactions, each message accepted with a 250.
        let smtp = try await Self.run(TrafficMixEntry(pattern: "smtp", weight: 1), ports: [(port, 25)], transport: .tcp, messages: SizeRange(min: 8, max: 8))
        #expect(smtp.flowsCompleted == 12 && smtp.flowsFailed == 0 && smtp.messagesReceived == smtp.messagesSent && smtp.messagesSent == 12 * 8, "\(smtp)")
        // A domain the server does not take: RCPT TO is refused (550), and the flows fail as corrupted.
        var other = TrafficMixEntry(pattern: "smtp", weight: 1)
        other.host = "other.example"
        let refused = try await Self.run(other, ports: [(port, 25)], transport: .tcp, flows: 4, messages: SizeRange(min: 4, max: 4))
        #expect(refused.flowsFailed == 4 && refused.failures["corrupted"] == 4, "\(refused)")
        let log = await smtpd.stop()
        let accepted = log.split(separator: "\n").filter { $0.contains(" smtp message msgid=") }
        #expect(accepted.count == 12 * 2, "every message accepted: \(log.suffix(2000))")
        // The warnings expected: nobody's home has no ~/.forward to read; and on a machine where
        // smtpd never ran, its purge task looks for the queue's purge directory before the
        // first start has made it (seen on a fresh CI machine, then never again).
        let warnings = log.split(separator: "\n").filter {
            $0.contains("warn:") && !$0.contains("parent_forward_open") && !$0.contains("purge_task: opendir: No such file or directory")
        }
        #expect(warnings.isEmpty, "\(warnings)")
    }

    /// FTP's control sessions against vsftpd as an external target (anonymous, in a directory
    /// of the test's): the greeting, USER anonymous, PASS, EPSV (vsftpd announces a data port),
    /// then CWD into the paths the flows ask for, QUIT. The sizes are fixed so the paths are
    /// known, and the test makes them; vsftpd starts as root (CI's user), as anonymous FTP needs.
    @Test func ftpAgainstVsftpdAsAnExternalTarget() async throws {
        let port = try await FreePort.tcp()
        var entry = TrafficMixEntry(pattern: "ftp", weight: 1)
        entry.requestSize = SizeRange(min: 60, max: 60)
        entry.responseSize = SizeRange(min: 64, max: 64)
        let vsftpd = try Server("/usr/sbin/vsftpd", ["@CONF@"], config: """
            listen=YES
            listen_ipv6=NO
            listen_address=127.0.0.1
            listen_port=\(port)
            background=NO
            anonymous_enable=YES
            local_enable=NO
            write_enable=NO
            anon_root=@DIR@/root
            secure_chroot_dir=@DIR@/empty
            xferlog_enable=YES
            vsftpd_log_file=@DIR@/vsftpd.log
            log_ftp_protocol=YES
            max_clients=0
            max_per_ip=0
            seccomp_sandbox=NO
            """, named: "vsftpd")
        // `CWD /flowtest-r64/` and filler letters (a to z, again) up to the 60-byte request.
        let path = "CWD /flowtest-r64/"
        let filler = String((0..<(60 - path.utf8.count - 2)).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
        try FileManager.default.createDirectory(
            at: vsftpd.directory.appendingPathComponent("root/flowtest-r64/\(filler)"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: vsftpd.directory.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try await Self.waitForTCP(port, vsftpd)
        let ftp = try await Self.run(entry, ports: [(port, 21)], transport: .tcp)
        #expect(ftp.flowsCompleted == 12 && ftp.flowsFailed == 0 && ftp.messagesReceived == ftp.messagesSent, "\(ftp)")
        let log = (try? String(contentsOf: vsftpd.directory.appendingPathComponent("vsftpd.log"), encoding: .utf8)) ?? ""
        let lines = log.split(separator: "\n")
        #expect(lines.filter { $0.contains("\"230 Login successful.\"") }.count == 12, "\(log.suffix(2000))")
        #expect(lines.filter { $0.contains("\"250 Directory successfully changed.\"") }.count == Int(ftp.messagesReceived) - 12, "\(log.suffix(2000))")
        // A path the server does not have: 550, and the flows fail as corrupted.
        entry.responseSize = SizeRange(min: 65, max: 65)
        let refused = try await Self.run(entry, ports: [(port, 21)], transport: .tcp, flows: 4)
        #expect(refused.flowsFailed == 4 && refused.failures["corrupted"] == 4, "\(refused)")
        _ = await vsftpd.stop()
    }
}
