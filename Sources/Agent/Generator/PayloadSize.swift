/// The size of each message a flow sends: fixed, or drawn uniformly from a range per message.
enum PayloadSize: Equatable, Sendable {
    case fixed(Int)
    case range(min: Int, max: Int)

    /// The smallest message this setting can produce.
    var minimum: Int {
        switch self {
        case .fixed(let size): size
        case .range(let min, _): min
        }
    }

    /// The largest message this setting can produce.
    var maximum: Int {
        switch self {
        case .fixed(let size): size
        case .range(_, let max): max
        }
    }

    /// The size of the next message.
    func next(using random: inout some RandomNumberGenerator) -> Int {
        switch self {
        case .fixed(let size): size
        case .range(let min, let max): Int.random(in: min...max, using: &random)
        }
    }
}
