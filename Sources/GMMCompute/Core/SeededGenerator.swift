/// A small, fast, seedable pseudo-random number generator (xoshiro256**).
///
/// The 256-bit state is filled from the seed with SplitMix64, so every seed, including 0,
/// gives a well-mixed, non-zero state. The same seed (and stream) always produces the same
/// sequence on every platform. It is not cryptographically secure.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    ///
    /// - Parameter seed: any 64-bit value.
    public init(seed: UInt64) {
        self.init(seed: seed, stream: 0)
    }

    /// Creates a generator for one of many independent-looking streams of the same seed.
    ///
    /// Use it to give each of several tasks (for example each grid point of a data set) its
    /// own reproducible sequence that does not depend on the order the tasks run in.
    ///
    /// - Parameters:
    ///   - seed: any 64-bit value.
    ///   - stream: the stream index; different streams give unrelated sequences.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(state: seed)
        // Fold the stream index into the seed through one more SplitMix64 round, so that
        // (seed, stream) and (seed + 1, stream - 1) do not collide.
        var streamMixer = SplitMix64(state: mixer.next() ^ (stream &* 0xD134_2543_DE82_EF95))
        mixer = SplitMix64(state: streamMixer.next())
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// SplitMix64: used only to expand a 64-bit seed into xoshiro's 256-bit state.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
