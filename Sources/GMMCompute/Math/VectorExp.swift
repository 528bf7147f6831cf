#if canImport(Glibc)
import Glibc
#endif

/// exp of eight floats at once, for the log-sum-exps of the mixture likelihood on the CPU
/// (the OpenCL twin uses the device's `exp`).
enum VectorExp {
    /// e^x lane by lane: Cody–Waite reduction x = n·ln 2 + r with |r| ≤ ln 2 / 2, then Cephes'
    /// single-precision polynomial for e^r (about 1 ulp). 0 where x < −87.3 (and for −∞), +∞
    /// where x > 88.7; NaN stays NaN.
    @inline(__always) static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let low: Float = -87.336_544, high: Float = 88.722_84
        var clamped = x
        clamped.replace(with: low, where: x .< low)
        clamped.replace(with: high, where: x .> high)
        // n = round(x / ln 2) by the 1.5·2^23 trick: adding it leaves n in the low mantissa bits.
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(SIMD8<Float>(repeating: magic), to: SIMD8<Int32>.self)
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5e-1
        let er = p * (r * r) + r + 1
        // 2^n built in the exponent bits; n lies in [−126, 128], so split it in two factors.
        let half = ni &>> 1
        let rest = ni &- half
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
        let scaleB = unsafeBitCast((rest &+ 127) &<< 23, to: SIMD8<Float>.self)
        var result = er * scaleA * scaleB
        result.replace(with: 0, where: x .< low)
        result.replace(with: .infinity, where: x .> high)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// Σ_i e^(values[i] − shift) over `count` values, eight at a time (the last lanes of a
    /// partial eight padded with −∞, whose exp is 0).
    @inline(__always) static func sumExp(_ values: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        let s = SIMD8<Float>(repeating: shift)
        var i = 0
        while i + 8 <= count {
            lanes += exp(SIMD8(loading: values + i) - s)
            i += 8
        }
        if i < count {
            var tail = SIMD8<Float>(repeating: -.infinity)
            for j in 0..<(count - i) { tail[j] = values[i + j] }
            lanes += exp(tail - s)
        }
        return lanes.sum()
    }
}
