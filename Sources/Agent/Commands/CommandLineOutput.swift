import ArgumentParser
import FlowTestShared
import Foundation

/// The few things commands write outside the logger: their result on stdout, fatal lines on
/// stderr. Everything goes through `StandardStream`, so no task ever waits for a reader.
enum CommandLineOutput {
    /// How long the last writes wait for a reader once SIGTERM or SIGINT has come: a reader that
    /// is reading takes them in milliseconds; one that stopped must not keep the process.
    static let drainAfterSignal = Duration.seconds(1)

    /// Writes the command's result (a JSON summary) as one line on stdout.
    static func result(_ line: String) {
        StandardStream.output.write(line + "\n", droppable: false)
    }

    /// Writes lines for people on stderr (tables, notes), away from the result on stdout.
    static func lines(_ text: String) {
        StandardStream.error.write(text + "\n", droppable: false)
    }

    /// Writes `message` as one line on stderr and exits with `code`.
    static func fail(_ message: String, code: ExitCode) -> Never {
        lines("flowtest-agent: \(message)")
        exit(code.rawValue)
    }

    /// Exits with `code` once stdout and stderr have taken what is queued: as long as their
    /// readers take, as any command line tool waits, but after a signal `drainAfterSignal` at most.
    static func exit(_ code: Int32) -> Never {
        let dropped = StandardStream.error.droppedLines
        if dropped > 0 {
            lines("flowtest-agent: \(dropped) log and progress lines were dropped: stderr was not read in time")
        }
        let start = ContinuousClock.now
        let giveUp = { TerminationSignal.shared.receivedAt.map { ContinuousClock.now - max($0, start) > drainAfterSignal } ?? false }
        let written = StandardStream.output.drain(giveUp: giveUp) && StandardStream.error.drain(giveUp: giveUp)
        // exit() would flush stdio's buffers into the same pipe that nobody reads: leave without.
        if !written { _exit(code) }
        Foundation.exit(code)
    }
}
