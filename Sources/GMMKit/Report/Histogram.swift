/// A weighted 1-D histogram: sums of weights and of squared weights per bin (statistical error
/// sqrt(Σw²)); values outside the edges are counted as under/overflow, not in any bin.
public struct Histogram: Sendable, Equatable {
    /// Bin edges, [B + 1], strictly increasing.
    public var edges: [Double]
    /// Σ w per bin, [B].
    public var sums: [Double]
    /// Σ w² per bin, [B].
    public var squaredSums: [Double]
    /// Σ w of all values filled (inside and outside the edges).
    public var total: Double = 0

    /// An empty histogram over `edges`.
    public init(edges: [Double]) {
        self.edges = edges
        sums = [Double](repeating: 0, count: max(0, edges.count - 1))
        squaredSums = sums
    }

    /// Uniform bins: `count` bins over [lower, upper].
    public init(bins count: Int, lower: Double, upper: Double) {
        self.init(edges: (0...max(1, count)).map { lower + (upper - lower) * Double($0) / Double(max(1, count)) })
    }

    /// The bin holding `value` (the last bin includes its upper edge), or nil outside.
    public func bin(of value: Double) -> Int? {
        let b = edges.count - 1
        guard b > 0, value >= edges[0], value <= edges[b] else { return nil }
        let lower = edges[0], upper = edges[b]
        // Uniform bins: direct index, corrected for rounding.
        var i = min(b - 1, Int((value - lower) / (upper - lower) * Double(b)))
        while i > 0 && value < edges[i] { i -= 1 }
        while i < b - 1 && value >= edges[i + 1] { i += 1 }
        return i
    }

    /// Adds `value` with weight `weight`.
    public mutating func fill(_ value: Double, weight: Double = 1) {
        total += weight
        guard let i = bin(of: value) else { return }
        sums[i] += weight
        squaredSums[i] += weight * weight
    }

    /// Bin widths, [B].
    public var widths: [Double] { (0..<sums.count).map { edges[$0 + 1] - edges[$0] } }

    /// The density normalised to unit area over all filled weight: Σw_b / (total · width_b), [B];
    /// zeros when nothing was filled.
    public var density: [Double] {
        guard total != 0 else { return sums.map { _ in 0 } }
        return sums.indices.map { sums[$0] / (total * (edges[$0 + 1] - edges[$0])) }
    }

    /// The statistical error of `density`, sqrt(Σw²) / (total · width), [B].
    public var densityErrors: [Double] {
        guard total != 0 else { return sums.map { _ in 0 } }
        return sums.indices.map { squaredSums[$0].squareRoot() / (abs(total) * (edges[$0 + 1] - edges[$0])) }
    }
}

/// A weighted 2-D histogram over x and y edges; bins [ny, nx] row-major (y rows).
public struct Histogram2D: Sendable, Equatable {
    /// The x binning (its own sums are unused).
    public var x: Histogram
    /// The y binning (its own sums are unused).
    public var y: Histogram
    /// Σ w per bin, [ny · nx].
    public var sums: [Double]
    /// Σ w² per bin, [ny · nx].
    public var squaredSums: [Double]
    /// Σ w of all pairs filled.
    public var total: Double = 0

    /// An empty histogram over xEdges × yEdges.
    public init(xEdges: [Double], yEdges: [Double]) {
        x = Histogram(edges: xEdges)
        y = Histogram(edges: yEdges)
        sums = [Double](repeating: 0, count: x.sums.count * y.sums.count)
        squaredSums = sums
    }

    /// Adds the pair (u, v) with weight `weight`.
    public mutating func fill(_ u: Double, _ v: Double, weight: Double = 1) {
        total += weight
        guard let i = x.bin(of: u), let j = y.bin(of: v) else { return }
        sums[j * x.sums.count + i] += weight
        squaredSums[j * x.sums.count + i] += weight * weight
    }

    /// The fraction of the filled weight in each bin, [ny · nx].
    public var fractions: [Double] { sums.map { total == 0 ? 0 : $0 / total } }
}
