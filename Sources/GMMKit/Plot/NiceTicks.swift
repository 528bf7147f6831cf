#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Readable axis ticks: multiples of a "nice" step (1, 2, 2.5 or 5 times a power of ten) that
/// cover a range, and their labels.
public struct NiceTicks: Equatable, Sendable {
    /// The major tick positions, increasing, all inside the range they were made for.
    public var values: [Double]
    /// The distance between neighbouring major ticks (for a logarithmic axis, in decades).
    public var step: Double
    /// Minor tick positions between (and around) the major ones, inside the range.
    public var minor: [Double]
    /// The labels of `values`, with a Unicode minus and `×10ⁿ` for very large or small numbers.
    public var labels: [String]

    /// The nice step for a span and a wished-for number of intervals: the smallest of
    /// {1, 2, 2.5, 5, 10} × 10ᵏ that is at least `span / target`.
    public static func niceStep(span: Double, target: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw * (1 - 1e-9) {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// Linear ticks covering `lower...upper` with about `target` intervals (between 3 and
    /// about 2 × target ticks): every multiple of the nice step inside the range.
    public static func linear(lower: Double, upper: Double, target: Int = 5) -> NiceTicks {
        guard lower.isFinite, upper.isFinite, upper > lower else {
            let v = lower.isFinite ? lower : 0
            return NiceTicks(values: [v], step: 1, minor: [], labels: [label(v, step: 1)])
        }
        var step = niceStep(span: upper - lower, target: target)
        var values = multiples(of: step, in: lower, upper)
        if values.count < 3 {  // a span just under a nice step: take the next smaller step
            step = niceStep(span: upper - lower, target: target * 2)
            values = multiples(of: step, in: lower, upper)
        }
        let mantissa = step / pow(10, floor(log10(step)))
        let minorStep = step / (abs(mantissa - 2) < 1e-9 ? 4 : 5)
        let minor = multiples(of: minorStep, in: lower, upper).filter { m in
            !values.contains { abs($0 - m) < minorStep * 1e-6 }
        }
        let labels = labelTexts(values, step: step)
        return NiceTicks(values: values, step: step, minor: minor, labels: labels)
    }

    /// Logarithmic ticks for `lower...upper` (both positive): powers of ten, with 2 and 5 times
    /// them as minor ticks; falls back to linear ticks when the range spans less than a decade.
    public static func logarithmic(lower: Double, upper: Double) -> NiceTicks {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else { return linear(lower: lower, upper: upper) }
        let first = Int(ceil(log10(lower) - 1e-9)), last = Int(floor(log10(upper) + 1e-9))
        guard last > first else { return linear(lower: lower, upper: upper) }
        let decadeStep = max(1, (last - first + 5) / 6)
        var values = [Double](), labels = [String](), minor = [Double]()
        for k in stride(from: first, through: last, by: decadeStep) {
            values.append(pow(10, Double(k)))
            labels.append("10" + superscript(k))
        }
        if decadeStep == 1 {
            for k in (first - 1)...last {
                for f in [2.0, 3, 4, 5, 6, 7, 8, 9] {
                    let m = f * pow(10, Double(k))
                    if m >= lower && m <= upper { minor.append(m) }
                }
            }
        }
        return NiceTicks(values: values, step: Double(decadeStep), minor: minor, labels: labels)
    }

    /// Every integer multiple of `step` in `lower...upper` (with a tolerance of 1e-9 steps).
    static func multiples(of step: Double, in lower: Double, _ upper: Double) -> [Double] {
        let first = ceil(lower / step - 1e-9), last = floor(upper / step + 1e-9)
        guard last >= first, last - first < 10_000 else { return [] }
        return stride(from: first, through: last, by: 1).map { k -> Double in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Labels for ticks `values` a `step` apart: plain decimals, or `m×10ⁿ` when the numbers are
    /// at least 10⁵ or all below 10⁻³ in size.
    public static func labelTexts(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            let exponent = Int(floor(log10(largest)))
            let scale = pow(10, Double(exponent))
            return values.map { v in
                v == 0 ? "0" : label(v / scale, step: step / scale) + "×10" + superscript(exponent)
            }
        }
        return values.map { label($0, step: step) }
    }

    /// `value` with as many decimals as `step` needs, and a Unicode minus sign.
    public static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        var scaled = abs(step)
        while decimals < 10 && abs(scaled - scaled.rounded()) > 1e-6 * max(1, scaled) {
            decimals += 1
            scaled *= 10
        }
        return formatFixed(value, decimals: decimals, minus: "\u{2212}")
    }

    /// Superscript digits for an exponent, e.g. −3 → ⁻³.
    static func superscript(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(exponent)).compactMap { c in c.wholeNumberValue.map { digits[$0] } })
        return (exponent < 0 ? "⁻" : "") + body
    }
}
