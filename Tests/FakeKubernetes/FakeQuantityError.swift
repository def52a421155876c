/// Why a quantity does not parse, in the API server's words.
struct FakeQuantityError: Error, Sendable {
    var message: String
}
