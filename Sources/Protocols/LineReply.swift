/// Replies of the line protocols (SMTP, FTP) brought to a size: the text padded with filler,
/// over several lines (`code-text`) when one line would pass 512 bytes.
enum LineReply {
    static let longestLine = 512

    /// Appends a reply with `code` and `text`, `size` bytes in all (its text alone, if larger).
    static func append(code: Int, _ text: String, size: Int, into out: inout [UInt8]) {
        var left = max(size, text.utf8.count + 6)
        var first = true
        while left > 0 {
            let lineSize = left > longestLine ? min(longestLine, left - 7) : left
            let last = lineSize == left
            out.append(ascii: "\(code)\(last ? " " : "-")")
            let body = first ? text : ""
            out.append(ascii: body)
            out.appendFiller(lineSize - 6 - body.utf8.count)
            out.append(ascii: "\r\n")
            left -= lineSize
            first = false
        }
    }

    /// The `r<digits>` tag in `text` (an address, a path): the reply size the client asks for.
    static func size(taggedIn text: Substring, largest: Int) -> Int? {
        guard let tag = text.firstRange(of: "flowtest-r") else { return nil }
        return Int(text[tag.upperBound...].prefix(while: \.isNumber).prefix(9)).map { min($0, largest) }
    }
}
