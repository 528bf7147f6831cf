#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Numbers written for people: in messages, reports, plots and the command line's output.

/// `value` rounded to `decimals` decimals, written without exponent (e.g. 0.25 → "0.25",
/// −3 → "-3"); `minus` is the sign written before negative numbers.
public func formatFixed(_ value: Double, decimals: Int, minus: String = "-") -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : minus + "inf") }
    let scale = pow(10, Double(decimals))
    let rounded = (abs(value) * scale).rounded()
    // Beyond 2⁵³ the decimals carry nothing; beyond Int64 the shortest round-trip form.
    guard rounded < 9e15 else {
        return abs(value) < 9e18 ? (value < 0 ? minus : "") + String(Int64(abs(value).rounded())) : (value < 0 ? minus : "") + "\(abs(value))"
    }
    let whole = Int64(rounded / scale)
    let fraction = Int64(rounded - Double(whole) * scale)
    var text = String(whole)
    if decimals > 0 {
        var digits = String(fraction)
        while digits.count < decimals { digits = "0" + digits }
        text += "." + digits
    }
    return (value < 0 && rounded != 0 ? minus : "") + text
}

/// Formats a bound for messages: `-inf`/`inf` for infinities, the shortest round-trip form otherwise.
public func formatBound(_ value: Double) -> String {
    if value == .infinity { return "inf" }
    if value == -.infinity { return "-inf" }
    return "\(value)"
}

/// Formats an interval `[lo, hi]` for messages, with open brackets on infinite sides.
func formatInterval(_ lower: Double, _ upper: Double) -> String {
    let left = lower.isFinite ? "[" : "("
    let right = upper.isFinite ? "]" : ")"
    return "\(left)\(formatBound(lower)), \(formatBound(upper))\(right)"
}

/// A probability as a percentage for labels: 0.95 → "95%", 0.6827 → "68.3%" (one decimal
/// unless the percentage is whole).
public func formatPercent(_ probability: Double) -> String {
    let p = probability * 100
    return p == p.rounded() ? "\(formatFixed(p, decimals: 0))%" : "\(formatFixed(p, decimals: 1))%"
}
