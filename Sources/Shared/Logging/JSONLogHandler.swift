import Foundation
import Logging

/// A `LogHandler` that writes one JSON object per line to stderr.
///
/// swift-log ships only a human-readable stream handler; collectors in a cluster want structured
/// lines, so this is the one handler FlowTest adds. Keys: `time`, `level`, `label`, `message`,
/// then the metadata flattened into the object.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let output: @Sendable (String) -> Void

    /// Creates a handler for `label` that hands each finished line to `output` (stderr by default).
    public init(label: String, output: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var object: [String: Any] = [:]
        for (key, value) in merged { object[key] = Self.jsonValue(value) }
        object["time"] = Date().ISO8601Format(.iso8601.year().month().day().dateTimeSeparator(.standard).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        if let error = event.error { object["error"] = String(describing: error) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            let line = String(data: data, encoding: .utf8)
        else { return }
        output(line)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): items.map(jsonValue)
        case .dictionary(let entries): entries.mapValues(jsonValue)
        }
    }

    /// Writes a line to stderr in one `write(2)`, so concurrent lines never interleave.
    @Sendable public static func writeToStandardError(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }
}
