import Logging

/// Bootstraps swift-log once per process with the chosen format and level.
public enum LoggingSetup {
    /// Installs the handler for `format` at `level`. Call once, before the first `Logger` is made.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .human: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
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
