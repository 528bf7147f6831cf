#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Quadrature rules shared by the test targets.

/// Adaptive Simpson quadrature for the tests: integrates `f` over [a, b] to about `tolerance`.
public func integrate(_ f: (Double) -> Double, from a: Double, to b: Double, tolerance: Double = 1e-11) -> Double {
    let m = 0.5 * (a + b)
    let fa = f(a), fm = f(m), fb = f(b)
    let whole = (b - a) / 6 * (fa + 4 * fm + fb)
    return simpsonStep(f, a, b, fa, fm, fb, whole, tolerance, depth: 0)
}

private func simpsonStep(
    _ f: (Double) -> Double, _ a: Double, _ b: Double,
    _ fa: Double, _ fm: Double, _ fb: Double, _ whole: Double, _ tolerance: Double, depth: Int
) -> Double {
    let m = 0.5 * (a + b)
    let lm = 0.5 * (a + m), rm = 0.5 * (m + b)
    let flm = f(lm), frm = f(rm)
    let left = (m - a) / 6 * (fa + 4 * flm + fm)
    let right = (b - m) / 6 * (fm + 4 * frm + fb)
    let difference = left + right - whole
    // Require a minimum depth so that narrow features are not stepped over.
    if depth >= 6 && (abs(difference) <= 15 * tolerance || depth >= 40) {
        return left + right + difference / 15
    }
    return simpsonStep(f, a, m, fa, flm, fm, left, 0.5 * tolerance, depth: depth + 1)
        + simpsonStep(f, m, b, fm, frm, fb, right, 0.5 * tolerance, depth: depth + 1)
}

/// Composite Simpson rule of `f` on [a, b] with `n` (even) intervals.
public func simpson(_ a: Double, _ b: Double, intervals n: Int = 2000, _ f: (Double) -> Double) -> Double {
    let h = (b - a) / Double(n)
    var sum = f(a) + f(b)
    for k in 1..<n { sum += f(a + Double(k) * h) * (k % 2 == 1 ? 4 : 2) }
    return sum * h / 3
}

/// Three-point Gauss–Legendre rule of `f` on [a, b] (evaluates only interior points).
public func gauss3(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
    let mid = 0.5 * (a + b), half = 0.5 * (b - a), node = sqrt(0.6)
    return half * (5 * f(mid - half * node) + 8 * f(mid) + 5 * f(mid + half * node)) / 9
}
