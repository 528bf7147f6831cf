/// How well two 2-D confidence regions agree: the intersection over union of their areas.
public enum RegionOverlap {
    /// |A ∩ B| / |A ∪ B| of two regions, each membership from its own scan (bilinear
    /// interpolation of −2Δln L, ``ConfidenceRegion/contains(x:y:)``), counted on a
    /// `resolution` × `resolution` lattice of cell centres spanning both scans' rectangles.
    ///
    /// A region that reaches its scan's edge is cut there: scan wide enough (the study scans
    /// ±3.5 Hesse errors) for the IoU to be the regions'. Returns 1 when both are empty.
    public static func intersectionOverUnion(_ a: ConfidenceRegion, _ b: ConfidenceRegion, resolution: Int = 300) -> Double {
        let (both, either) = counts(a, b, resolution: resolution)
        return either == 0 ? 1 : Double(both) / Double(either)
    }

    /// Lattice cells inside both regions and inside either, over both scans' rectangles.
    static func counts(_ a: ConfidenceRegion, _ b: ConfidenceRegion, resolution: Int) -> (both: Int, either: Int) {
        let xs = a.x + b.x, ys = a.y + b.y
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max(), resolution > 0 else { return (0, 0) }
        var both = 0, either = 0
        for i in 0..<resolution {
            let px = x0 + (x1 - x0) * (Double(i) + 0.5) / Double(resolution)
            for j in 0..<resolution {
                let py = y0 + (y1 - y0) * (Double(j) + 0.5) / Double(resolution)
                let inA = a.contains(x: px, y: py), inB = b.contains(x: px, y: py)
                if inA && inB { both += 1 }
                if inA || inB { either += 1 }
            }
        }
        return (both, either)
    }
}
