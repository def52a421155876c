/// Where the text protocols carry FlowTest's flow id: `flow=<id>` in a comment (SQL, MongoDB's
/// `comment`, SSH's version), `flow-<id>` at the start of a name (SMTP's EHLO, FTP's password).
enum FlowTag {
    /// The id after the first `flow=` in `bytes`; nil without one.
    static func flowID(in bytes: [UInt8]) -> UInt64? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let tag = text.firstRange(of: "flow=") else { return nil }
        return UInt64(text[tag.upperBound...].prefix(while: \.isNumber).prefix(20))
    }

    /// The id of a name that starts `flow-<id>` (a domain's first label, a mail address).
    static func flowID(labelIn text: Substring) -> UInt64? {
        let name = text.drop(while: { $0 == " " })
        guard name.hasPrefix("flow-") else { return nil }
        return UInt64(name.dropFirst(5).prefix(while: \.isNumber).prefix(20))
    }
}
