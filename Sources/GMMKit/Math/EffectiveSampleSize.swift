/// Kish's effective sample size of event weights: (Σw)² / Σw², the number of unweighted events
/// that would carry the same statistical power (N for equal weights; 0 for no weights or all
/// zero).
///
/// - Parameter weights: `[N]`, any sign.
public func effectiveSampleSize(_ weights: [Double]) -> Double {
    var sum = 0.0, squares = 0.0
    for w in weights {
        sum += w
        squares += w * w
    }
    return squares > 0 ? sum * sum / squares : 0
}
