/// A DiffServ code point as a FlowTest gives it: a number 0–63 or a class name (`EF`, `AF41`, `CS1`).
///
/// Kept as the user wrote it (a YAML integer or a string), so the CRD's int-or-string field
/// round-trips unchanged; `codePoint` is the 6-bit value that goes into the IP header.
public struct DSCPValue: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The 6-bit code point.
    public let codePoint: UInt8
    /// As written: a decimal number or a class name.
    public let text: String
    private let wasInteger: Bool

    /// Class names (RFC 2474 class selectors, RFC 2597 assured forwarding, RFC 3246 expedited
    /// forwarding, RFC 8622 lower effort, RFC 5865 voice admit) and their code points.
    public static let names: [String: UInt8] = {
        var names: [String: UInt8] = ["EF": 46, "LE": 1, "VA": 44]
        for selector in 0...7 { names["CS\(selector)"] = UInt8(selector * 8) }
        for group in 1...4 {
            for drop in 1...3 { names["AF\(group)\(drop)"] = UInt8(group * 8 + drop * 2) }
        }
        return names
    }()

    /// The pattern a string form must match (also the CRD's): a name, or a number 0–63.
    public static let pattern = #"^(CS[0-7]|AF[1-4][1-3]|EF|LE|VA|[0-9]|[1-5][0-9]|6[0-3])$"#

    /// What a DSCP setting expects, for error messages.
    public static let expected = "a DSCP number 0...63 or a class name: EF, AF11...AF43, CS0...CS7, LE or VA"

    /// Parses a number 0–63 or a class name; nil otherwise.
    public init?(parsing text: String) {
        if let number = UInt8(text), number <= 63 {
            (codePoint, self.text, wasInteger) = (number, text, false)
        } else if let named = Self.names[text] {
            (codePoint, self.text, wasInteger) = (named, text, false)
        } else {
            return nil
        }
    }

    /// A numeric code point 0–63.
    public init?(codePoint: Int64) {
        guard (0...63).contains(codePoint) else { return nil }
        (self.codePoint, text, wasInteger) = (UInt8(codePoint), String(codePoint), true)
    }

    /// The traffic class / TOS byte: the code point above two ECN bits, which stay the kernel's.
    public var trafficClass: Int32 { Int32(codePoint) << 2 }

    public var description: String { text }

    /// Equal when the code points are: `EF`, `"46"` and `46` mark packets alike.
    public static func == (lhs: DSCPValue, rhs: DSCPValue) -> Bool {
        lhs.codePoint == rhs.codePoint
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            guard let value = DSCPValue(codePoint: number) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "dscp \(number): expected \(Self.expected)")
            }
            self = value
        } else {
            let text = try container.decode(String.self)
            guard let value = DSCPValue(parsing: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "dscp \"\(text)\": expected \(Self.expected)")
            }
            self = value
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if wasInteger { try container.encode(Int64(codePoint)) } else { try container.encode(text) }
    }
}
