/// How flows are generated; the same settings as `flowtest-agent generate`.
public struct FlowsSpec: Codable, Sendable, Equatable {
    public var `protocol`: FlowProtocol = .both
    public var pattern: FlowPattern = .random
    /// New flows per second, per generator.
    public var rate: Int64
    public var maxConcurrent: Int64 = 100
    public var minDuration: String = "1s"
    public var maxDuration: String = "10s"
    public var messageInterval: String = "100ms"
    public var payload = PayloadSpec()
    public var mtu: Int64 = 1500
    public var mss: Int64?
    public var allowFragmentation = false
    public var seed: Int64?
    public var connectTimeout: String = "5s"
    public var responseTimeout: String = "2s"

    public init(rate: Int64) {
        self.rate = rate
    }
}

/// Message sizes: `size` for a fixed size, or `minSize` and `maxSize` for a uniform range.
public struct PayloadSpec: Codable, Sendable, Equatable {
    public var size: Int64?
    public var minSize: Int64?
    public var maxSize: Int64?

    public init(size: Int64? = nil, minSize: Int64? = nil, maxSize: Int64? = nil) {
        self.size = size
        self.minSize = minSize
        self.maxSize = maxSize
    }
}

/// Echo ports, which generators target.
public struct PortsSpec: Codable, Sendable, Equatable {
    public var tcp: [Int64] = [8080]
    public var udp: [Int64] = [8080]

    public init(tcp: [Int64] = [8080], udp: [Int64] = [8080]) {
        self.tcp = tcp
        self.udp = udp
    }
}

/// Where generators send their flows.
public struct TargetSpec: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// The echo Service's cluster IP (through kube-proxy or the CNI's load balancing).
        case service = "Service"
        /// The echo pods' own IPs, one generator per echo pod in turn (no load balancing).
        case pods = "Pods"
        /// A host outside the test (`host`), with `ports`; no echo servers are started.
        case external = "External"
    }

    public var mode: Mode = .service
    public var host: String?

    public init(mode: Mode = .service, host: String? = nil) {
        self.mode = mode
        self.host = host
    }
}
