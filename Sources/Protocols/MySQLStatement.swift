/// What the echo's MySQL needs to know of a statement's text: whether a server answers it
/// with a result set or with OK.
enum MySQLStatement {
    /// The statements that return rows; every other one (SET, BEGIN, INSERT...) gets OK. Bytes,
    /// compared without building a String: this runs for every query the echo answers.
    static let readingKeywords: [[UInt8]] = ["SELECT", "SHOW", "WITH", "EXPLAIN", "DESCRIBE", "DESC", "VALUES", "TABLE"].map { Array($0.utf8) }

    /// Whether `text` (a COM_QUERY's, without the command byte) returns rows: its first word
    /// after blanks, `/* */` comments and an opening parenthesis is one of `readingKeywords`.
    static func returnsRows(_ text: ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "(") {
                index += 1
            } else if byte == UInt8(ascii: "/"), index + 1 < text.endIndex, text[index + 1] == UInt8(ascii: "*") {
                // An unclosed comment holds no statement: a server refuses it, and the echo answers OK.
                var end = index + 2
                while end + 1 < text.endIndex, !(text[end] == UInt8(ascii: "*") && text[end + 1] == UInt8(ascii: "/")) { end += 1 }
                guard end + 1 < text.endIndex else { return false }
                index = end + 2
            } else {
                break
            }
        }
        let word = text[index...].prefix { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
        // Letters only, so clearing bit 5 is upper-casing them.
        return readingKeywords.contains { $0.elementsEqual(word) { keyword, letter in keyword == letter & 0xdf } }
    }
}
