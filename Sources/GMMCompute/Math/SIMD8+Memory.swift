extension SIMD8 where Scalar == Float {
    /// The eight floats at `pointer` (any alignment).
    @inline(__always) init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Writes the eight lanes to `pointer` (any alignment).
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
    }

    /// The lanes of `self` where `other` is not larger, `other`'s elsewhere; NaN lanes of
    /// `other` are ignored. (The standard library's `pointwiseMax` runs lane by lane.)
    @inline(__always) func lanewiseMax(_ other: SIMD8<Float>) -> SIMD8<Float> {
        replacing(with: other, where: other .> self)
    }
}

/// Calls `body` with the first index of eight-wide blocks that cover `0..<count` (count ≥ 8):
/// 0, 8, 16, … and, when count is not a multiple of 8, count − 8, whose block overlaps the one
/// before it. Only for elementwise work that reads nothing the blocks write.
@inline(__always) func forEachBlockOfEight(_ count: Int, _ body: (Int) -> Void) {
    precondition(count >= 8, "forEachBlockOfEight needs at least 8 elements")
    var g = 0
    while g + 8 <= count {
        body(g)
        g += 8
    }
    if g < count { body(count - 8) }
}
