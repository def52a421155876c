import Foundation

/// A resource quantity (`100m`, `64Mi`, `1e3`) as k8s.io/apimachinery's `ParseQuantity` reads
/// it, for the checks the API server makes on a pod's resources: it must parse (else the body is
/// refused with 400 while decoding), and a request may not exceed its limit (422).
struct FakeQuantity: Comparable, Sendable {
    /// The amount in base units (cores, bytes); a Double is precise enough to compare.
    var value: Double

    static func < (a: FakeQuantity, b: FakeQuantity) -> Bool { a.value < b.value }

    /// The decoder's two errors, worded as `resource.ErrFormatWrong` and `ErrSuffix`.
    static let formatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    static let suffixError = "unable to parse quantity's suffix"

    private static let binary: [String: Double] = ["Ki": 0x1p10, "Mi": 0x1p20, "Gi": 0x1p30, "Ti": 0x1p40, "Pi": 0x1p50, "Ei": 0x1p60]
    private static let decimal: [String: Double] = ["n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18]

    /// Parses a JSON quantity (a string or a bare number); the error is the decoder's message.
    static func parse(_ json: String) -> Result<FakeQuantity, FakeQuantityError> {
        let text = json.trimmingCharacters(in: .whitespaces)
        guard let match = text.wholeMatch(of: /([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)/) else { return .failure(FakeQuantityError(message: formatError)) }
        let number = String(match.1)
        let suffix = String(match.2)
        // The number part allows one decimal point and at least one digit.
        guard number.filter({ $0 == "." }).count <= 1, number.contains(where: \.isNumber), let amount = Double(number.hasPrefix("+") ? String(number.dropFirst()) : number)
        else { return .failure(FakeQuantityError(message: formatError)) }
        if let scale = binary[suffix] ?? decimal[suffix] { return .success(FakeQuantity(value: amount * scale)) }
        if let exponent = suffix.wholeMatch(of: /[eE]([-+]?[0-9]+)/), let power = Int(exponent.1) {
            return .success(FakeQuantity(value: amount * pow(10, Double(power))))
        }
        return .failure(FakeQuantityError(message: suffixError))
    }
}

