extension SIMD8 where Scalar == Float {
    /// The eight floats at `pointer` (any alignment).
    @inline(__always) init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Writes the eight lanes to `pointer` (any alignment).
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
    }
}
