extension ToyModel {
    /// Draws `n` independent events from p(x | cx, cy) by inverting each factor's
    /// distribution function in turn (A.6): x0 from p0, x1 from p1 given x0, x2 from p2 and
    /// x3 from p3 given x1 and x2. Each event uses four uniforms from `rng`, in the order
    /// u0, u1, u2, u3, so the same generator state always gives the same events.
    ///
    /// - Parameters:
    ///   - n: the number of events, >= 0.
    ///   - cx: the first external parameter.
    ///   - cy: the second external parameter.
    ///   - rng: the source of randomness.
    /// - Returns: row-major events, shape `[n, 4]` (`count == 4 n`); row i is
    ///   (x0, x1, x2, x3) at indices 4i ..< 4i + 4. Every value lies in its interval.
    /// - Throws: `ToyModelError.parameterOutsideDomain` or `.negativeCount`.
    public func sample(n: Int, cx: Double, cy: Double, rng: inout some RandomNumberGenerator) throws -> [Double] {
        guard n >= 0 else { throw ToyModelError.negativeCount(field: "n", got: n) }
        guard Self.isInDomain(cx: cx, cy: cy) else { throw ToyModelError.parameterOutsideDomain(cx: cx, cy: cy) }
        var events = [Double](repeating: 0, count: n * Self.observableCount)
        for i in 0..<n {
            let u0 = rng.nextOpenUnitDouble()
            let u1 = rng.nextOpenUnitDouble()
            let u2 = rng.nextOpenUnitDouble()
            let u3 = rng.nextOpenUnitDouble()
            let x0 = quantile0(u0, cx: cx)
            let x1 = quantile1(u1, x0: x0)
            let x2 = quantile2(u2, cx: cx, cy: cy)
            let x3 = quantile3(u3, x1: x1, x2: x2, cx: cx, cy: cy)
            let r = 4 * i
            events[r] = x0
            events[r + 1] = x1
            events[r + 2] = x2
            events[r + 3] = x3
        }
        return events
    }
}
