import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking POSIX socket, independent of SwiftNIO, for checking the agents from outside.
final class TestSocket: Sendable {
    let descriptor: Int32

    enum Failure: Error, Equatable { case system(String, Int32) }

    /// Connects a TCP (`SOCK_STREAM`) or UDP (`SOCK_DGRAM`) socket to `host:port`.
    init(_ kind: Int32, host: String, port: Int, receiveTimeout: Duration = .seconds(5)) throws {
        let ipv6 = host.contains(":")
        descriptor = socket(ipv6 ? AF_INET6 : AF_INET, kind, 0)
        guard descriptor >= 0 else { throw Failure.system("socket", errno) }
        var timeout = timeval(tv_sec: Int(receiveTimeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw Failure.system("connect", code)
        }
    }

    static func tcp(_ port: Int, host: String = "127.0.0.1") throws -> TestSocket { try TestSocket(Int32(SOCK_STREAM.rawValue), host: host, port: port) }
    static func udp(_ port: Int, host: String = "127.0.0.1") throws -> TestSocket { try TestSocket(Int32(SOCK_DGRAM.rawValue), host: host, port: port) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure.system("send", errno) }
            offset += written
        }
    }

    /// Sends without blocking until the peer has stopped taking bytes for `patience` (or
    /// `maximum` bytes went out); returns how many were sent.
    func sendUntilBlocked(maximum: Int, patience: Duration = .milliseconds(300)) -> Int {
        let chunk = [UInt8](repeating: 0x5A, count: 65_536)
        var total = 0
        var blockedSince: ContinuousClock.Instant?
        while total < maximum {
            let written = chunk.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if written > 0 {
                total += written
                blockedSince = nil
            } else {
                let now = ContinuousClock.now
                if let since = blockedSince, now - since > patience { break }
                if blockedSince == nil { blockedSince = now }
                usleep(1_000)
            }
        }
        return total
    }

    /// Reads exactly `count` bytes (TCP), or fails on timeout or close.
    func receive(exactly count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let read = result[offset...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard read > 0 else { throw Failure.system(read == 0 ? "closed" : "recv", read == 0 ? 0 : errno) }
            offset += read
        }
        return result
    }

    /// Reads one datagram (UDP), or whatever one read returns (TCP); empty at end of stream.
    func receiveOnce(maximum: Int = 65_536) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: maximum)
        let read = result.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard read >= 0 else { throw Failure.system("recv", errno) }
        return Array(result.prefix(read))
    }

    deinit {
        close(descriptor)
    }
}
