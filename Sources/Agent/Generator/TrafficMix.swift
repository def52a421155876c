import FlowTestShared

/// The kinds of flow a run's traffic mix makes, and how often each is drawn.
struct TrafficMix: Sendable {
    let kinds: [TrafficKind]
    /// The mix entries' pattern names, each once, in order: the per-pattern figures' labels.
    let patternNames: [String]
    private let choice: WeightedChoice

    /// The mix of `rules`; nil fields take `payload` (the run's message sizes).
    init(_ rules: [TrafficRule], payload: PayloadSize) {
        var names: [String] = []
        for rule in rules where !names.contains(rule.pattern) { names.append(rule.pattern) }
        patternNames = names
        kinds = rules.map { rule in
            TrafficKind(
                patternSlot: names.firstIndex(of: rule.pattern), transport: rule.transport, ports: rule.ports?.map { Int($0) },
                request: rule.requestSize.map(PayloadSize.init) ?? payload, response: rule.responseSize.map(PayloadSize.init),
                messages: rule.messages.map { Int($0.min)...Int($0.max) })
        }
        // Weights in thousandths, so ftp's halves of a weight-1 entry stay exact.
        choice = WeightedChoice(rules.map { UInt64(($0.weight * 1000).rounded()) })
    }

    /// A kind drawn by weight from one random number.
    func pick(_ random: UInt64) -> Int {
        choice.pick(random)
    }
}

extension PayloadSize {
    /// A fixed size when the range holds one value, otherwise uniform over it.
    init(_ range: SizeRange) {
        self = range.min == range.max ? .fixed(Int(range.min)) : .range(min: Int(range.min), max: Int(range.max))
    }
}
