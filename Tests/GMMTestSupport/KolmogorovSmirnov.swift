// Goodness-of-fit statistics shared by the test targets.

/// One-sample Kolmogorov–Smirnov statistic of `sample` against the CDF `cdf`.
public func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = sample.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
    }
    return d
}

/// The one-sample Kolmogorov–Smirnov statistic of values that should be Uniform(0, 1).
public func kolmogorovSmirnovUniform(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = Double(sorted.count)
    var statistic = 0.0
    for (i, u) in sorted.enumerated() {
        statistic = max(statistic, Double(i + 1) / n - u, u - Double(i) / n)
    }
    return statistic
}

/// The asymptotic 1% critical value of the Kolmogorov–Smirnov statistic, 1.63 / sqrt(n).
public func kolmogorovSmirnovCritical1Percent(n: Int) -> Double {
    1.63 / Double(n).squareRoot()
}
