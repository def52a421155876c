import FlowTestShared

/// One invalid field, shaped as k8s.io/apimachinery's `field.Error` becomes a 422's
/// `details.causes[]` entry: the reason (`FieldValueRequired`), the message without the path
/// (`Required value`, `Invalid value: "x": ...`) and the path (`spec.containers[0].name`).
///
/// The wording is Go's `ErrorBody`: Required, Forbidden and TooLong omit the value; the others
/// print it (`%q` for strings, plain for numbers), then `: detail` when there is one.
struct FakeFieldError: Equatable, Sendable, CustomStringConvertible {
    var reason: String
    var message: String
    var field: String

    /// `field: message`, as the Status message lists it.
    var description: String { "\(field): \(message)" }

    var cause: JSONValue {
        .object(["reason": .string(reason), "message": .string(message), "field": .string(field)])
    }

    private static func make(_ reason: String, _ type: String, _ field: String, value: JSONValue?, _ detail: String) -> FakeFieldError {
        var message = type
        if let value { message += ": " + render(value) }
        if !detail.isEmpty { message += ": " + detail }
        return FakeFieldError(reason: reason, message: message, field: field)
    }

    static func required(_ field: String, _ detail: String = "") -> FakeFieldError {
        make("FieldValueRequired", "Required value", field, value: nil, detail)
    }

    static func forbidden(_ field: String, _ detail: String) -> FakeFieldError {
        make("FieldValueForbidden", "Forbidden", field, value: nil, detail)
    }

    static func tooLong(_ field: String, _ detail: String) -> FakeFieldError {
        make("FieldValueTooLong", "Too long", field, value: nil, detail)
    }

    static func invalid(_ field: String, _ value: JSONValue, _ detail: String) -> FakeFieldError {
        make("FieldValueInvalid", "Invalid value", field, value: value, detail)
    }

    /// An invalid value Go prints as a composite literal (`%#v`), given as Go prints it.
    static func invalid(_ field: String, goValue: String, _ detail: String) -> FakeFieldError {
        FakeFieldError(reason: "FieldValueInvalid", message: "Invalid value: " + goValue + ": " + detail, field: field)
    }

    static func duplicate(_ field: String, _ value: JSONValue) -> FakeFieldError {
        make("FieldValueDuplicate", "Duplicate value", field, value: value, "")
    }

    /// A duplicate whose value Go prints as a struct (`%#v`), given as Go prints it.
    static func duplicate(_ field: String, goValue: String) -> FakeFieldError {
        FakeFieldError(reason: "FieldValueDuplicate", message: "Duplicate value: " + goValue, field: field)
    }

    static func notFound(_ field: String, _ value: JSONValue) -> FakeFieldError {
        make("FieldValueNotFound", "Not found", field, value: value, "")
    }

    /// `Unsupported value: "x": supported values: "A", "B"`, in the order the server lists them.
    static func notSupported(_ field: String, _ value: JSONValue, _ supported: [String]) -> FakeFieldError {
        let detail = supported.isEmpty ? "" : "supported values: " + supported.map { quoted($0) }.joined(separator: ", ")
        return make("FieldValueNotSupported", "Unsupported value", field, value: value, detail)
    }

    /// A bad value as Go prints it: strings quoted, numbers and booleans bare, `null`, and
    /// anything else as compact JSON (Go prints a struct with `%#v`, which no client reads).
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .double(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        case .array, .object: String(decoding: FakeAPIStore.encode(value), as: UTF8.self)
        }
    }

    /// Go's `%q`: double quotes, with `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// The Status message of a 422: `Pod "x" is invalid: e` for one error, `[e1, e2]` for
    /// several (identical lines once, as `ErrorList.ToAggregate` keeps them).
    static func summary(_ errors: [FakeFieldError]) -> String {
        var seen = Set<String>()
        let lines = errors.map(\.description).filter { seen.insert($0).inserted }
        return lines.count == 1 ? lines[0] : "[" + lines.joined(separator: ", ") + "]"
    }
}
