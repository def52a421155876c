/// The transport of one flow, listener or metric series.
public enum Transport: String, CaseIterable, Codable, Sendable, Hashable {
    case tcp
    case udp
}
