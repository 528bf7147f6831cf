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

extension RandomNumberGenerator {
    /// Returns a uniform `Float` strictly inside (0, 1): `(k + 0.5) / 2^24` for a uniform
    /// 24-bit integer `k`.
    public mutating func nextOpenUnitFloat() -> Float {
        (Float(next() >> 40) + 0.5) * 0x1p-24
    }

    /// `count` floats uniform in `range`.
    public mutating func floats(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * nextOpenUnitFloat() }
    }
}
