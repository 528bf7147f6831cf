import Foundation
import GMMKit

/// Seeded draws for the tests: uniforms, normals and Gamma(2, 1) values from
/// ``SeededGenerator``.
struct TestRandom {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Uniform in (0, 1).
    mutating func uniform() -> Double { generator.nextOpenUnitDouble() }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform())
    }

    /// A skewed, unbounded-above sample: a Gamma(2, 1)-distributed value (sum of two exponentials).
    mutating func gamma2() -> Double {
        -log(uniform()) - log(uniform())
    }
}

/// One-sample Kolmogorov–Smirnov statistic of `sample` against the CDF `cdf`.
func ksStatistic(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = sample.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
    }
    return d
}

/// Composite Simpson rule of `f` on [a, b] with `n` (even) intervals.
func simpson(_ a: Double, _ b: Double, intervals n: Int = 2000, _ f: (Double) -> Double) -> Double {
    let h = (b - a) / Double(n)
    var sum = f(a) + f(b)
    for k in 1..<n { sum += f(a + Double(k) * h) * (k % 2 == 1 ? 4 : 2) }
    return sum * h / 3
}

/// Three-point Gauss–Legendre rule of `f` on [a, b] (evaluates only interior points).
func gauss3(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
    let mid = 0.5 * (a + b), half = 0.5 * (b - a), node = sqrt(0.6)
    return half * (5 * f(mid - half * node) + 8 * f(mid) + 5 * f(mid + half * node)) / 9
}
