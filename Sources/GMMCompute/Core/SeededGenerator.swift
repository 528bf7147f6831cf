/// A small, fast, seedable random number generator (SplitMix64): the same seed gives the
/// same stream on every machine, which makes models and samples reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform float strictly inside (0, 1) (24 random bits, centred in their cell).
    public mutating func uniformOpen() -> Float {
        (Float(next() >> 40) + 0.5) * (1.0 / 16_777_216.0)
    }

    /// A uniform double strictly inside (0, 1) (53 random bits, centred in their cell).
    public mutating func uniformOpenDouble() -> Double {
        (Double(next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `count` floats uniform in [lower, upper].
    public mutating func floats(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * uniformOpen() }
    }
}
