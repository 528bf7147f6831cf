/// Adaptive Simpson quadrature for the tests: integrates `f` over [a, b] to about `tolerance`.
func integrate(_ f: (Double) -> Double, from a: Double, to b: Double, tolerance: Double = 1e-11) -> Double {
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
