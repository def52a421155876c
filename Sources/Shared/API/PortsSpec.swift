/// Echo ports, which generators target.
public struct PortsSpec: Codable, Sendable, Equatable {
    public var tcp: [Int64] = [8080]
    public var udp: [Int64] = [8080]

    public init(tcp: [Int64] = [8080], udp: [Int64] = [8080]) {
        self.tcp = tcp
        self.udp = udp
    }
}
