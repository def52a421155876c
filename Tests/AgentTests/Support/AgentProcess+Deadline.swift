import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AgentProcess {
    /// Waits for exit as `finish()` does, but kills the process if it has not exited within
    /// `limit`: a hung child (a client waiting on a reply that never comes) then fails its test
    /// with what it printed, instead of holding the suite until its time limit.
    func finish(within limit: Duration) async -> (code: Int32, out: String, err: String, timedOut: Bool) {
        // The pipes are read from the start, so a chatty child (ssh -vvv) never blocks on a full one.
        async let result = finish()
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let timedOut = process.isRunning
        if timedOut { signal(SIGKILL) }
        let (code, out, err) = await result
        return (code, out, err, timedOut)
    }
}
