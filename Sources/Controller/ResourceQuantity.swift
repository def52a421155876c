/// The value of a Kubernetes resource quantity such as `64Mi`, `0.5Gi`, `100m` or `1G`, for
/// comparing two the controller is given (a request above its limit makes every pod refused).
enum ResourceQuantity {
    private static let multipliers: [String: Double] = [
        "": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
        "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776,
    ]

    /// The quantity in base units, or nil when it is not one.
    static func value(_ text: String) -> Double? {
        let number = text.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number), let multiplier = multipliers[String(text.dropFirst(number.count))] else { return nil }
        return value * multiplier
    }
}
