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
        // In place, not get-then-set: a get/set pair copies the value out, so mutating a histogram
        // through it copied the histogram's whole counts array on every record (29 % of a
        // generator's CPU in the round-trip benchmark).
        _modify {
            if transport == .tcp { yield &tcp } else { yield &udp }
        }
    }
}

extension PerTransport: Sendable where Value: Sendable {}
extension PerTransport: Equatable where Value: Equatable {}
extension PerTransport: Codable where Value: Codable {}
