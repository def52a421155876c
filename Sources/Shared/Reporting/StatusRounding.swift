/// How the status stores the figures people read (`kubectl get flowtests`' columns among them):
/// at most three decimals, rounded towards the worse side.
///
/// Rounding towards the worse side means a stored figure never reads better than what was
/// measured (one failed flow in a million is `0.001` %, not `0`), and that a threshold with at
/// most three decimals gives the same verdict on the stored figure as on the unrounded one: the
/// controller judges the unrounded figures, `flowtest-agent report` judges the stored ones again.
public enum StatusRounding {
    /// Decimals kept.
    public static let decimals = 3

    /// For figures where more is worse (round trips, loss, failures, outages): rounded up.
    public static func up(_ value: Double) -> Double {
        rounded(value, .up)
    }

    /// For figures where less is worse (the share of arrivals marked as expected): rounded down.
    public static func down(_ value: Double) -> Double {
        rounded(value, .down)
    }

    private static let scale = 1000.0

    private static func rounded(_ value: Double, _ rule: FloatingPointRoundingRule) -> Double {
        guard value.isFinite else { return value }
        let scaled = value * scale
        // A figure already on the grid must stay where it is: 2.007 scales to 2007.0000000000002,
        // which rounded up would store 2.008 (and 1.001, scaled to 1000.9999999999999, rounded
        // down 1.0). Within a few units in the last place of the scaled value, it is that step.
        let nearest = scaled.rounded()
        let steps = abs(scaled - nearest) <= max(1e-6, 8 * scaled.ulp) ? nearest : scaled.rounded(rule)
        return steps / scale
    }
}
