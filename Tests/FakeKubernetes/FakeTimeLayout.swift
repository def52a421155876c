/// The two layouts kube-apiserver decodes times with, and Go's `time.Parse` for them, down to
/// its error text.
///
/// `metav1.Time` parses with `time.RFC3339` (any fraction is accepted and dropped);
/// `metav1.MicroTime` with `2006-01-02T15:04:05.000000Z07:00`, which takes exactly six
/// fractional digits. The server puts Go's error in its 400 as is (a real v1.36.2 refused an
/// Event's `2026-12-01T09:14:05.768Z` that way), so the fake reproduces Go's parser, chunk by
/// chunk (src/time/format.go), rather than a regular expression that would word it differently.
enum FakeTimeLayout: String, Sendable {
    case time = "2006-01-02T15:04:05Z07:00"
    case microTime = "2006-01-02T15:04:05.000000Z07:00"

    private enum Element: String {
        case longYear = "2006", zeroMonth = "01", zeroDay = "02", hour = "15", zeroMinute = "04", zeroSecond = "05"
        case fractionSix = ".000000", colonZone = "Z07:00"
    }

    /// The layout as Go's `nextStdChunk` splits it: a literal prefix, then an element.
    private var chunks: [(prefix: String, element: Element)] {
        var chunks: [(String, Element)] = [("", .longYear), ("-", .zeroMonth), ("-", .zeroDay), ("T", .hour), (":", .zeroMinute), (":", .zeroSecond)]
        if self == .microTime { chunks.append(("", .fractionSix)) }
        chunks.append(("", .colonZone))
        return chunks
    }

    /// Nil when Go parses `value` with this layout; otherwise the `*time.ParseError` text.
    func parseError(_ value: String) -> String? {
        let whole = Array(value.utf8)
        var rest = whole[...]
        var (year, month, day) = (0, 0, 0)
        for (index, chunk) in chunks.enumerated() {
            guard rest.starts(with: chunk.prefix.utf8) else { return error(whole, valueElement: rest, layoutElement: chunk.prefix) }
            rest = rest.dropFirst(chunk.prefix.utf8.count)
            let hold = rest
            var bad = false
            var range: String?
            switch chunk.element {
            case .longYear:
                if rest.count < 4 || !Self.isDigit(rest, 0) {
                    bad = true
                } else if let number = Self.atoi(rest.prefix(4)) {
                    year = number
                    rest = rest.dropFirst(4)
                } else {
                    bad = true
                }
            case .zeroMonth:
                if let (number, after) = Self.getnum(rest, fixed: true) {
                    (month, rest) = (number, after)
                    if month <= 0 || month > 12 { range = "month" }
                } else {
                    bad = true
                }
            case .zeroDay:
                // Any one- or two-digit day here; the date is checked once all is parsed.
                if let (number, after) = Self.getnum(rest, fixed: true) { (day, rest) = (number, after) } else { bad = true }
            case .hour:
                if let (number, after) = Self.getnum(rest, fixed: false) {
                    rest = after
                    if number >= 24 { range = "hour" }
                } else {
                    bad = true
                }
            case .zeroMinute:
                if let (number, after) = Self.getnum(rest, fixed: true) {
                    rest = after
                    if number >= 60 { range = "minute" }
                } else {
                    bad = true
                }
            case .zeroSecond:
                guard let (number, after) = Self.getnum(rest, fixed: true) else {
                    bad = true
                    break
                }
                rest = after
                if number >= 60 {
                    range = "second"
                    break
                }
                // A fraction the layout does not name is accepted: any number of digits.
                let layoutHasFraction = chunks.dropFirst(index + 1).first?.element == .fractionSix
                if !layoutHasFraction, rest.count >= 2, rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: ","), Self.isDigit(rest, 1) {
                    var digits = 2
                    while digits < rest.count, Self.isDigit(rest, digits) { digits += 1 }
                    rest = rest.dropFirst(digits)
                }
            case .fractionSix:
                // Exactly as many digits as the layout has: Go's stdFracSecond0.
                let width = 7
                guard rest.count >= width, rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: ","),
                    let fraction = Self.atoi(rest.dropFirst().prefix(width - 1))
                else {
                    bad = true
                    break
                }
                if fraction < 0 { range = "fractional second" }
                rest = rest.dropFirst(width)
            case .colonZone:
                if rest.first == UInt8(ascii: "Z") {
                    rest = rest.dropFirst()
                    break
                }
                guard rest.count >= 6, rest[rest.startIndex + 3] == UInt8(ascii: ":"),
                    let hours = Self.getnum(rest.dropFirst().prefix(2), fixed: true)?.0,
                    let minutes = Self.getnum(rest.dropFirst(4).prefix(2), fixed: true)?.0,
                    rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-")
                else {
                    bad = true
                    break
                }
                if hours > 24 { range = "time zone offset hour" }
                if minutes > 60 { range = "time zone offset minute" }
                rest = rest.dropFirst(6)
            }
            if let range { return "parsing time \(Self.quote(whole[...])): \(range) out of range" }
            if bad { return error(whole, valueElement: hold, layoutElement: chunk.element.rawValue) }
        }
        if !rest.isEmpty { return "parsing time \(Self.quote(whole[...])): extra text: \(Self.quote(rest))" }
        if day < 1 || day > Self.days(in: month, of: year) { return "parsing time \(Self.quote(whole[...])): day out of range" }
        return nil
    }

    private func error(_ whole: [UInt8], valueElement: ArraySlice<UInt8>, layoutElement: String) -> String {
        "parsing time \(Self.quote(whole[...])) as \(Self.quote(ArraySlice(rawValue.utf8))): cannot parse \(Self.quote(valueElement)) as \(Self.quote(ArraySlice(layoutElement.utf8)))"
    }

    private static func isDigit(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> Bool {
        guard offset < bytes.count else { return false }
        let byte = bytes[bytes.startIndex + offset]
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Go's `getnum`: one or two digits, exactly two when `fixed`.
    private static func getnum(_ bytes: ArraySlice<UInt8>, fixed: Bool) -> (Int, ArraySlice<UInt8>)? {
        guard isDigit(bytes, 0) else { return nil }
        let first = Int(bytes[bytes.startIndex] - UInt8(ascii: "0"))
        guard isDigit(bytes, 1) else { return fixed ? nil : (first, bytes.dropFirst()) }
        return (first * 10 + Int(bytes[bytes.startIndex + 1] - UInt8(ascii: "0")), bytes.dropFirst(2))
    }

    /// Go's `atoi`: an optional sign, then nothing but digits (none at all reads as 0).
    private static func atoi(_ bytes: ArraySlice<UInt8>) -> Int? {
        var digits = bytes
        var sign = 1
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            digits = digits.dropFirst()
        }
        var number = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return sign * number
    }

    private static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Go's `time.quote`: double quotes, `"` and `\` escaped, other bytes outside printable
    /// ASCII as `\xNN`.
    private static func quote(_ bytes: ArraySlice<UInt8>) -> String {
        var text = "\""
        for byte in bytes {
            if byte < 0x20 || byte >= 0x80 {
                text += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            } else {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text += "\\" }
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return text + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
