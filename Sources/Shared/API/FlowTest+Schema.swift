import Foundation

extension FlowTest {
    /// The `openAPIV3Schema` of the CRD.
    public static let schema = Schema.object(
        "FlowTest generates real TCP/UDP flows between echo and generator agents and measures them: round trips, loss, failures, bytes.",
        rules: [
            // Agents run with the flags of the spec they started with; a changed spec would make
            // the status describe a test nobody ran. To change a test, delete and recreate it.
            .transition(
                cel: "!has(oldSelf.status) || !has(oldSelf.status.phase) || oldSelf.status.phase == 'Pending' || self.spec == oldSelf.spec",
                message: "spec cannot change once the test has started; delete the FlowTest and create it again", fieldPath: ".spec"
            ) { old, new in
                let phase = old["status"]?["phase"]?.string
                return phase == nil || phase == "Pending" || old["spec"] == new["spec"]
            }
        ],
        [
            "apiVersion": .string("APIVersion defines the versioned schema of this representation of an object."),
            "kind": .string("Kind is a string value representing the REST resource this object represents."),
            // The API server allows nothing but the type here; it validates metadata itself.
            "metadata": {
                var metadata = Schema(kind: .object, description: "")
                metadata.validatesMembers = false
                return metadata
            }(),
            "spec": FlowTestSpec.schema,
            "status": FlowTestStatus.schema,
        ])

    /// Decodes a FlowTest from JSON after applying the schema's defaults, as the API server does
    /// on create; `errors` lists every schema and rule violation with its field path.
    public static func validated(_ json: JSONValue) -> Result<FlowTest, FlowTestValidationError> {
        let defaulted = schema.applyingDefaults(to: json)
        var errors: [FieldError] = []
        // metadata is the API server's business, but local mode still needs a name.
        if json["metadata"]?["name"]?.string?.isEmpty ?? true {
            errors.append(FieldError(field: "metadata.name", message: "Required value: name or generateName is required"))
        }
        if defaulted["spec"] == nil { errors.append(FieldError(field: "spec", message: "Required value")) }
        for (field, expected) in [("apiVersion", apiVersion), ("kind", kind)] where json[field]?.string != expected {
            let given = json[field]?.string.map { "Unsupported value: \"\($0)\": supported values: \"\(expected)\"" }
            errors.append(FieldError(field: field, message: given ?? "Required value: \(expected)"))
        }
        errors += SchemaValidator.validate(defaulted, against: schema, path: "")
        guard errors.isEmpty else { return .failure(FlowTestValidationError(errors: errors)) }
        do {
            let data = try JSONEncoder().encode(defaulted)
            return .success(try JSONDecoder().decode(FlowTest.self, from: data))
        } catch {
            return .failure(FlowTestValidationError(errors: [FieldError(field: "", message: "\(error)")]))
        }
    }
}

/// Every problem found in a FlowTest, one per line.
public struct FlowTestValidationError: Error, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(errors: [FieldError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
