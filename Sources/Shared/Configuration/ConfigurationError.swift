/// A setting that could not be used, with everything a user needs to fix it.
///
/// The description is one line: which flag (or environment variable) was wrong, the value given,
/// and what was expected. Commands print it and exit with code 64 (`EX_USAGE`).
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The flag (`--rate`) or environment variable (`FLOWTEST_RATE`) the value came from.
    public var setting: String
    /// The value as the user wrote it.
    public var value: String
    /// What would have been accepted.
    public var expected: String

    public init(setting: String, value: String, expected: String) {
        self.setting = setting
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "invalid value \"\(value)\" for \(setting): expected \(expected)"
    }
}
