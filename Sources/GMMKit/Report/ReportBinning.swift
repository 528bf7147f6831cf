/// Bin edges for an observable's marginals, from the data.
enum ReportBinning {
    /// `bins` uniform bins over the central 99.8% of `values` (0.1% and 99.9% quantiles),
    /// widened to a finite interval end that lies within 10% of the range; integer observables
    /// with at most 60 values seen get one bin per integer.
    static func edges(_ values: [Double], observable: ObservableConfig, bins: Int) -> [Double] {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return [0, 1] }
        if observable.kind == .integer, last - first < 60 {
            return stride(from: first - 0.5, through: last + 0.5, by: 1).map { $0 }
        }
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int(q * Double(sorted.count - 1))))] }
        var lower = sorted.count >= 1000 ? quantile(0.001) : first
        var upper = sorted.count >= 1000 ? quantile(0.999) : last
        if !(upper > lower) { lower -= 0.5; upper += 0.5 }
        let span = upper - lower
        let intervalLower = observable.interval.lower, intervalUpper = observable.interval.upper
        if intervalLower.isFinite && lower - intervalLower <= 0.1 * span { lower = intervalLower }
        if intervalUpper.isFinite && intervalUpper - upper <= 0.1 * span { upper = intervalUpper }
        return (0...bins).map { lower + (upper - lower) * Double($0) / Double(bins) }
    }

    /// Uniform edges over the same range with at most `bins` bins (integer-spaced edges are kept
    /// if they are already few enough).
    static func coarsened(_ edges: [Double], to bins: Int) -> [Double] {
        guard edges.count - 1 > bins, let lower = edges.first, let upper = edges.last else { return edges }
        return (0...bins).map { lower + (upper - lower) * Double($0) / Double(bins) }
    }
}

/// Number formatting for the report's text.
enum ReportFormat {
    /// About four significant digits, without exponent for ordinary sizes.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "n/a" : (v > 0 ? "∞" : "−∞") }
        let a = abs(v)
        if a != 0 && (a >= 1e6 || a < 1e-3) {
            var exponent = 0
            var m = a
            while m >= 10 { m /= 10; exponent += 1 }
            while m < 1 { m *= 10; exponent -= 1 }
            return (v < 0 ? "−" : "") + formatFixed(m, decimals: 3) + "×10" + NiceTicks.superscript(exponent)
        }
        let decimals = a >= 1000 ? 1 : a >= 100 ? 2 : a >= 10 ? 3 : 4
        return formatFixed(v, decimals: decimals, minus: "−")
    }

    /// θ as "(a, b)", each value with at most four decimals and no trailing zeros.
    static func theta(_ values: [Double]) -> String { "(" + values.map { short($0) }.joined(separator: ", ") + ")" }

    /// `v` with at most four decimals, trailing zeros removed ("0.5", "−1", "0.1235").
    static func short(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e6, abs(v) >= 1e-3 || v == 0 else { return number(v) }
        var text = formatFixed(v, decimals: 4, minus: "−")
        while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
        return text == "−0" ? "0" : text
    }
}
