/// A 2-D confidence region from a profile scan: the points where −2Δln L ≤ the Wilks threshold
/// of its confidence level, with the region's boundary as contour lines. It keeps the scan's
/// grid so that ``contains(x:y:)`` can answer for any point (bilinear interpolation).
public struct ConfidenceRegion: Codable, Sendable, Equatable {
    /// The confidence level, e.g. 0.95.
    public var confidenceLevel: Double
    /// The −2Δln L threshold (2-D Wilks: 2.30 at 68.27%, 5.99 at 95%).
    public var threshold: Double
    /// The boundary: polylines of [x, y] points (closed ones end at their first point; open ones
    /// end on the scan's border).
    public var contours: [[[Double]]]
    /// The scan grid's axes, [nx] and [ny].
    public var x: [Double]
    public var y: [Double]
    /// −2Δln L on the grid, [ny][nx].
    public var deltaTwoNLL: [[Double]]

    /// Whether (x, y) lies inside the region: the scan interpolated bilinearly at the point is
    /// at most the threshold. Points outside the scanned rectangle are outside.
    public func contains(x px: Double, y py: Double) -> Bool {
        guard let value = Scan2D.interpolate(x: x, y: y, values: deltaTwoNLL, at: px, py) else { return false }
        return value <= threshold
    }

    /// The fraction of the scanned rectangle's area inside the region, estimated on a
    /// `resolution` × `resolution` lattice of cell centres.
    public func areaFraction(resolution: Int = 200) -> Double {
        guard let x0 = x.first, let x1 = x.last, let y0 = y.first, let y1 = y.last, resolution > 0 else { return 0 }
        var count = 0
        for a in 0..<resolution {
            for b in 0..<resolution {
                let px = x0 + (x1 - x0) * (Double(a) + 0.5) / Double(resolution)
                let py = y0 + (y1 - y0) * (Double(b) + 0.5) / Double(resolution)
                if contains(x: px, y: py) { count += 1 }
            }
        }
        return Double(count) / Double(resolution * resolution)
    }

    enum CodingKeys: String, CodingKey {
        case threshold, contours, x, y
        case confidenceLevel = "confidence_level"
        case deltaTwoNLL = "delta_two_nll"
    }
}
