/// One value for TCP and one for UDP, indexed by `Transport`.
public struct PerTransport<Value> {
    public var tcp: Value
    public var udp: Value

    public init(tcp: Value, udp: Value) {
        self.tcp = tcp
        self.udp = udp
    }

    /// The same initial value for both transports.
    public init(repeating value: Value) {
        self.init(tcp: value, udp: value)
    }

    public subscript(transport: Transport) -> Value {
        get { transport == .tcp ? tcp : udp }
        set {
            if transport == .tcp { tcp = newValue } else { udp = newValue }
        }
    }
}

extension PerTransport: Sendable where Value: Sendable {}
extension PerTransport: Equatable where Value: Equatable {}
extension PerTransport: Codable where Value: Codable {}
