/// One kind of flow a traffic mix makes, with every rule filled in that the pattern fixes.
///
/// A mix entry gives one rule, except `ftp`, which is a control connection and a bulk data
/// connection. Nil fields take the test's own settings: `random` flows use `flows.protocol`, the
/// test's ports and `flows.payload`, and are echoed unchanged.
public struct TrafficRule: Sendable, Equatable {
    /// The mix entry's pattern name, which labels the figures.
    public var pattern: String
    /// Share of the entry's flows this rule gets, 0...1.
    public var share: Double
    /// Share of all flows, relative to the other rules': the entry's weight times `share`.
    public var weight: Double = 1
    public var transport: Transport?
    public var ports: [Int64]?
    /// The ports as the spec names them, which choose the protocol a built-in pattern speaks on
    /// each (`ports` in order), when `--any-ports` sent the flows elsewhere; nil: `ports`.
    public var protocolPorts: [Int64]?
    public var requestSize: SizeRange?
    /// Nil: the response is the request, echoed.
    public var responseSize: SizeRange?
    /// Nil: exchanges until the flow's lifetime ends.
    public var messages: SizeRange?
    /// The names the pattern's protocol puts on the wire (the mix entry's `host`, `path`,
    /// `dnsName`); nil: the defaults.
    public var host: String?
    public var path: String?
    public var dnsName: String?

    public init(
        pattern: String, share: Double = 1, transport: Transport? = nil, ports: [Int64]? = nil, requestSize: SizeRange? = nil,
        responseSize: SizeRange? = nil, messages: SizeRange? = nil
    ) {
        (self.pattern, self.share, self.transport, self.ports) = (pattern, share, transport, ports)
        (self.requestSize, self.responseSize, self.messages) = (requestSize, responseSize, messages)
    }
}
