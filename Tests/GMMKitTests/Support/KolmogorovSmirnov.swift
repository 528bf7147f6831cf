/// The one-sample Kolmogorov–Smirnov statistic of values that should be Uniform(0, 1).
func kolmogorovSmirnovUniform(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = Double(sorted.count)
    var statistic = 0.0
    for (i, u) in sorted.enumerated() {
        statistic = max(statistic, Double(i + 1) / n - u, u - Double(i) / n)
    }
    return statistic
}

/// The asymptotic 1% critical value of the Kolmogorov–Smirnov statistic, 1.63 / sqrt(n).
func kolmogorovSmirnovCritical1Percent(n: Int) -> Double {
    1.63 / Double(n).squareRoot()
}
