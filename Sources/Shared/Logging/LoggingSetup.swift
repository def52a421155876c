import Logging

/// Bootstraps swift-log once per process with the chosen format and level.
public enum LoggingSetup {
    /// Installs the handler for `format` at `level`. Call once, before the first `Logger` is made.
    ///
    /// With `stream` (the agent's `StandardStream.error`), lines are queued for a thread of its
    /// own rather than written by the caller, and dropped and counted when stderr is not read:
    /// a logging task then never waits for stderr's reader.
    public static func bootstrap(format: LogFormat, level: Logger.Level, stream: StandardStream? = nil) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch (format, stream) {
                case (.human, nil): StreamLogHandler.standardError(label: label)
                case (.human, let stream?): StreamLogHandler(label: label, stream: stream)
                case (.json, nil): JSONLogHandler(label: label)
                case (.json, let stream?): JSONLogHandler(label: label) { stream.write($0 + "\n", droppable: true) }
                }
            handler.logLevel = level
            return handler
        }
    }

    /// The accepted spellings of a log level, for `--log-level`.
    public static func parseLevel(_ text: String) -> Logger.Level? {
        if text.lowercased() == "warn" { return .warning }
        return Logger.Level(rawValue: text.lowercased())
    }
}
