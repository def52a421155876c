/// One header field of an HTTP message head: its name lower-cased, its value trimmed.
struct HTTPField: Sendable, Equatable {
    let name: String
    let value: String
}
