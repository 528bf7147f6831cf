extension RandomNumberGenerator {
    /// Returns a uniform `Double` strictly inside the open interval (0, 1).
    ///
    /// The value is `(k + 0.5) / 2^53` for a uniform 53-bit integer `k`, so it is never 0 or 1
    /// and `1 - u` is computed exactly. Safe to pass to `log`, inverse CDFs and the like.
    public mutating func nextOpenUnitDouble() -> Double {
        let k = next() >> 11
        return (Double(k) + 0.5) * 0x1p-53
    }
}
