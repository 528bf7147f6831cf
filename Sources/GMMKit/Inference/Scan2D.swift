/// A 2-D profile-likelihood scan: −2Δln L on a grid of two parameters, the other free
/// parameters profiled at each point.
public struct Scan2D: Codable, Sendable, Equatable {
    /// The parameter on the x axis.
    public var xParameter: String
    /// The parameter on the y axis.
    public var yParameter: String
    /// The x grid values, [nx] (ascending).
    public var x: [Double]
    /// The y grid values, [ny] (ascending).
    public var y: [Double]
    /// −2(ln L_max − ln L_profile), [ny][nx]: `deltaTwoNLL[j][i]` is at (x[i], y[j]).
    public var deltaTwoNLL: [[Double]]
    /// The NLL that ``deltaTwoNLL`` is measured from (the fit's minimum or the grid's, if lower).
    public var minimumNLL: Double
    /// The best fit [x, y] (the fit's, or the grid point's if lower).
    public var bestFit: [Double]
    /// Whether every profile minimisation converged.
    public var allConverged: Bool

    /// The confidence region at `confidenceLevel` (2-D Wilks threshold) with its contour lines.
    public func region(confidenceLevel: Double) throws -> ConfidenceRegion {
        let threshold = try Wilks.threshold(confidenceLevel: confidenceLevel, degreesOfFreedom: 2)
        return ConfidenceRegion(confidenceLevel: confidenceLevel, threshold: threshold,
                                contours: MarchingSquares.contours(x: x, y: y, values: deltaTwoNLL, level: threshold),
                                x: x, y: y, deltaTwoNLL: deltaTwoNLL)
    }

    /// −2Δln L interpolated bilinearly at (x, y), or nil outside the grid.
    public func interpolated(x px: Double, y py: Double) -> Double? {
        Self.interpolate(x: x, y: y, values: deltaTwoNLL, at: px, py)
    }

    /// Bilinear interpolation of `values` [ny][nx] on axes `x`, `y` at (px, py); nil outside.
    static func interpolate(x: [Double], y: [Double], values: [[Double]], at px: Double, _ py: Double) -> Double? {
        guard let i = cell(x, px), let j = cell(y, py) else { return nil }
        let tx = x.count == 1 ? 0 : (px - x[i]) / (x[i + 1] - x[i])
        let ty = y.count == 1 ? 0 : (py - y[j]) / (y[j + 1] - y[j])
        let i1 = min(i + 1, x.count - 1), j1 = min(j + 1, y.count - 1)
        let bottom = values[j][i] * (1 - tx) + values[j][i1] * tx
        let top = values[j1][i] * (1 - tx) + values[j1][i1] * tx
        return bottom * (1 - ty) + top * ty
    }

    /// The index i with axis[i] ≤ v ≤ axis[i+1] (the last cell for the last value), or nil.
    private static func cell(_ axis: [Double], _ v: Double) -> Int? {
        guard let first = axis.first, let last = axis.last, v >= first, v <= last else { return nil }
        if axis.count == 1 { return 0 }
        var lo = 0, hi = axis.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if axis[mid] <= v { lo = mid } else { hi = mid }
        }
        return lo
    }

    enum CodingKeys: String, CodingKey {
        case x, y
        case xParameter = "x_parameter"
        case yParameter = "y_parameter"
        case deltaTwoNLL = "delta_two_nll"
        case minimumNLL = "minimum_nll"
        case bestFit = "best_fit"
        case allConverged = "all_converged"
    }
}
