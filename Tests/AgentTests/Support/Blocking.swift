import Foundation

/// Runs blocking work (POSIX socket calls) on a thread of its own.
///
/// The Swift concurrency pool has one thread per core, two here; a test that blocks them in
/// `recv` would stall every other test, including the generator's pacing loop.
func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
