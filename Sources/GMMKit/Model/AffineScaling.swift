/// An affine map `y = scale · x + shift`, used to bring network inputs onto [-2, 2] (Figure 3).
public struct AffineScaling: Sendable, Equatable, Codable {
    /// Multiplier.
    public var scale: Double
    /// Offset.
    public var shift: Double

    /// A map with the given coefficients.
    public init(scale: Double, shift: Double) {
        self.scale = scale
        self.shift = shift
    }

    /// The map sending [lower, upper] onto [-2, 2] (a point onto 0 when lower == upper).
    public init(mapping lower: Double, _ upper: Double) {
        if upper > lower {
            scale = 4 / (upper - lower)
            shift = -2 - lower * scale
        } else {
            scale = 1
            shift = -lower
        }
    }

    /// scale · x + shift.
    @inline(__always) public func callAsFunction(_ x: Double) -> Double { scale * x + shift }
}
