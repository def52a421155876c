import Foundation

/// Resolves every setting as `flag > FLOWTEST_* environment variable > default`, in one pure place.
///
/// swift-argument-parser has no environment-variable support of its own, so commands declare their
/// options as optional strings and hand them here together with the environment. Tests call it
/// with a plain dictionary instead of the process environment.
public struct SettingResolver: Sendable {
    /// The environment consulted for settings not given as flags.
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The environment variable that backs a flag: `--max-concurrent` → `FLOWTEST_MAX_CONCURRENT`.
    public static func environmentVariable(for flag: String) -> String {
        let bare = flag.drop(while: { $0 == "-" })
        return "FLOWTEST_" + bare.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The raw value of a setting and the name of where it came from, or nil when neither is set.
    public func raw(_ flag: String, _ flagValue: String?) -> (source: String, value: String)? {
        if let flagValue { return (flag, flagValue) }
        let variable = Self.environmentVariable(for: flag)
        if let value = environment[variable] { return (variable, value) }
        return nil
    }

    /// Resolves a setting through a parser that returns nil for values it does not accept.
    public func resolve<Value>(
        _ flag: String,
        _ flagValue: String?,
        default defaultValue: Value,
        expected: String,
        parse: (String) -> Value?
    ) throws(ConfigurationError) -> Value {
        guard let (source, text) = raw(flag, flagValue) else { return defaultValue }
        guard let value = parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError(setting: source, value: text, expected: expected)
        }
        return value
    }

    /// Resolves an optional setting: nil when it is given neither as a flag nor in the environment.
    public func resolveOptional<Value>(
        _ flag: String,
        _ flagValue: String?,
        expected: String,
        parse: (String) -> Value?
    ) throws(ConfigurationError) -> Value? {
        try resolve(flag, flagValue, default: nil, expected: expected) { text -> Value?? in
            parse(text).map { .some($0) }
        }
    }

    /// Resolves a boolean switch given as a flag (`true` when present) or as `FLOWTEST_*=true|false`.
    public func resolveSwitch(_ flag: String, _ flagIsSet: Bool) throws(ConfigurationError) -> Bool {
        if flagIsSet { return true }
        return try resolve(flag, nil, default: false, expected: "true or false", parse: ValueParsers.bool)
    }
}
