/// A field selector on a field the fake (like the API server, for most fields) cannot select on.
struct FakeSelectorError: Error {
    let field: String
}
