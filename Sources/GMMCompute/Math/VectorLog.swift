#if canImport(Glibc)
import Glibc
#endif

/// Natural log of eight floats at once, for the CPU likelihood's log σ (the OpenCL twin uses
/// the device's `log`).
enum VectorLog {
    /// log x lane by lane: x = m·2^e with m in [√½, √2), then Cephes' single-precision
    /// polynomial for log m (about 1 ulp). Lanes that are not positive normal finite numbers
    /// (0, negative, subnormal, ∞, NaN) go to libm's `logf`.
    @inline(__always) static func log(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // m in [0.5, 1) from the mantissa bits, e the matching exponent.
        var m = unsafeBitCast((bits & 0x007f_ffff) | 0x3f00_0000, to: SIMD8<Float>.self)
        // The exponent as a float by the 1.5·2^23 trick: its bits added to the magic's mantissa.
        let magic: Float = 12_582_912
        var e = unsafeBitCast(((bits &>> 23) & 0xff) &+ unsafeBitCast(SIMD8<Float>(repeating: magic), to: SIMD8<Int32>.self),
                              to: SIMD8<Float>.self) - (magic + 126)
        let small = m .< 0.707_106_781_186_547_5
        e.replace(with: e - 1, where: small)
        m.replace(with: m + m, where: small)
        let r = m - 1
        let z = r * r
        var p = SIMD8<Float>(repeating: 7.037_683_629_2e-2)
        p = p * r + -1.151_461_031_0e-1
        p = p * r + 1.167_699_874_0e-1
        p = p * r + -1.242_014_084_6e-1
        p = p * r + 1.424_932_278_7e-1
        p = p * r + -1.666_805_766_5e-1
        p = p * r + 2.000_071_476_5e-1
        p = p * r + -2.499_999_399_3e-1
        p = p * r + 3.333_333_117_4e-1
        var y = p * r * z
        y += e * -2.121_944_4e-4
        y += -0.5 * z
        let special = (x .< Float.leastNormalMagnitude) .| (x .>= Float.infinity) .| (x .!= x)
        // Rare; out of line, so that no lane insert splits the vector code above.
        if any(special) { return lanewise(x) }
        return r + y + e * 0.693_359_375
    }

    /// libm's `logf` of every lane.
    @inline(never) static func lanewise(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var result = x
        for i in 0..<8 { result[i] = logf(x[i]) }
        return result
    }
}
