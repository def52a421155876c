/// A list for a condition message or event note that stays short whatever the number of agents:
/// the first `limit` items, then how many more there are.
///
/// Conditions live in the FlowTest's status, which must stay small (64 KiB with 1,000 agents);
/// "no final report from" every one of 1,000 agents would pass that alone. The first few say
/// what happened; the count says how much.
enum BoundedList {
    static let limit = 10

    static func text(_ items: [String], separator: String = "; ", limit: Int = limit) -> String {
        guard items.count > limit else { return items.joined(separator: separator) }
        return items.prefix(limit).joined(separator: separator) + "\(separator)and \(items.count - limit) more"
    }
}
