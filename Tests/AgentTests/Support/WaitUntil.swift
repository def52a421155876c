/// Waits until `condition` holds, at most 20 s; throws `HarnessTimeout` naming `what` otherwise.
func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw HarnessTimeout(description: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
