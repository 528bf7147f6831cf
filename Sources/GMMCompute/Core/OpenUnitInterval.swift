extension RandomNumberGenerator {
    /// Returns a uniform `Double` strictly inside the open interval (0, 1).
    ///
    /// The value is `(k + 0.5) / 2^52` for a uniform 52-bit integer `k` (exact in a double;
    /// with 53 bits the largest would round to 1), so it is never 0 or 1
    /// and `1 - u` is computed exactly. Safe to pass to `log`, inverse CDFs and the like.
    public mutating func nextOpenUnitDouble() -> Double {
        let k = next() >> 12
        return (Double(k) + 0.5) * 0x1p-52
    }
}

extension RandomNumberGenerator {
    /// Returns a uniform `Float` strictly inside (0, 1): `(k + 0.5) / 2^23` for a uniform
    /// 23-bit integer `k` (every such value is exact in a float; with 24 bits the largest,
    /// 1 − 2^-25, would round to 1).
    public mutating func nextOpenUnitFloat() -> Float {
        (Float(next() >> 41) + 0.5) * 0x1p-23
    }

    /// `count` floats uniform in `range`.
    public mutating func floats(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * nextOpenUnitFloat() }
    }
}
