import FlowTestShared
import Foundation

/// The server-side Table that `kubectl get flowtests` (or `flowtestreports`) asks for (fixture
/// 62): a Name column, then the CRD's `additionalPrinterColumns`, and per object its cells and
/// its metadata as `PartialObjectMetadata`. Built from the kind's CRD declaration
/// (`FakeCustomKind`), so `kubectl get` in the tests shows the columns the real CRD declares.
enum FakeTable {
    private static let nameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

    static func table(_ objects: [JSONValue], columns: [JSONValue], metadata: [String: JSONValue], now: Date = Date()) -> JSONValue {
        var definitions: [JSONValue] = [
            .object(["name": "Name", "type": "string", "format": "name", "description": .string(nameDescription), "priority": 0])
        ]
        for column in columns {
            definitions.append(.object([
                "name": column["name"] ?? "", "type": column["type"] ?? "", "format": "",
                "description": .string("Custom resource definition column (in JSONPath format): \(column["jsonPath"]?.string ?? "")"),
                "priority": column["priority"] ?? 0,
            ]))
        }
        let rows: [JSONValue] = objects.map { object in
            var cells: [JSONValue] = [object["metadata"]?["name"] ?? .null]
            for column in columns {
                let value = cell(at: column["jsonPath"]?.string ?? "", in: object)
                if column["type"]?.string == "date", let time = value.string.flatMap(parseTime) {
                    cells.append(.string(humanDuration(now.timeIntervalSince(time))))
                } else {
                    cells.append(value)
                }
            }
            let partial: JSONValue = .object([
                "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? .object([:]),
            ])
            return .object(["cells": .array(cells), "object": partial])
        }
        var tableMetadata = metadata
        if tableMetadata["continue"] == "" { tableMetadata["continue"] = nil }
        return .object([
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(tableMetadata),
            "columnDefinitions": .array(definitions), "rows": .array(rows),
        ])
    }

    /// The value at a simple JSONPath such as `.status.summary.flowsFailed`, where `\.` is a dot
    /// inside a key (`.metadata.labels.flowtest\.dev/name`); null when absent.
    static func cell(at path: String, in object: JSONValue) -> JSONValue {
        var keys: [String] = []
        var current = ""
        var escaped = false
        for character in path {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "." {
                if !current.isEmpty { keys.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { keys.append(current) }
        var value: JSONValue? = object
        for key in keys { value = value?[key] }
        return value ?? .null
    }

    private static func parseTime(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    /// apimachinery's `duration.HumanDuration`: "5s", "3m47s", "12m", "2h5m", "3d4h", ...
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        let days = hours / 24
        if hours < 24 * 365 * 8 { return days % 365 == 0 ? "\(days / 365)y" : "\(days / 365)y\(days % 365)d" }
        return "\(days / 365)y"
    }
}
