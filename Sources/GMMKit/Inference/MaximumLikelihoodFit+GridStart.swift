extension MaximumLikelihoodFit {
    /// ``fit(_:start:)`` started at the lowest point of a coarse grid over the fit range
    /// (``gridStart(_:pointsPerAxis:fallbackHalfWidth:)`` with ``startGridPointsPerAxis(freeParameters:)``),
    /// so that a local minimum, e.g. a mirrored one, is not taken for the MLE. What `gmm-gpu infer` runs.
    ///
    /// - Throws: ``InferenceError`` as ``fit(_:start:)`` does.
    public func fitFromGrid(_ nll: NegativeLogLikelihood) throws -> FitResult {
        let free = try resolve(nll).filter(\.isFree).count
        guard let points = Self.startGridPointsPerAxis(freeParameters: free) else { return try fit(nll) }
        return try fit(nll, start: try gridStart(nll, pointsPerAxis: points))
    }

    /// Points per axis of ``fitFromGrid(_:)``'s start grid: 9 for up to 2 free parameters, 5 for
    /// up to 4, 3 for up to 10 (at most 3¹⁰ = 59,049 NLL values); nil (no grid) beyond.
    public static func startGridPointsPerAxis(freeParameters: Int) -> Int? {
        switch freeParameters {
        case ...2: 9
        case ...4: 5
        case ...10: 3
        default: nil
        }
    }

    /// A start point for ``fit(_:start:)`` that avoids local minima: the NLL is evaluated on a
    /// grid of `pointsPerAxis` values across each free parameter's bounds (one batched call;
    /// unbounded sides are replaced by ±`fallbackHalfWidth` around the default start), fixed
    /// parameters at their values, and the lowest grid point is returned.
    ///
    /// Likelihoods with a kink symmetric in a parameter (the toy's |cx|, |cy|) can have a
    /// second minimum at the mirrored value; a fit started at the default point may stop there.
    ///
    /// - Returns: θ `[p]` in the likelihood's order.
    /// - Throws: ``InferenceError`` for bad settings or (the grid would exceed 10⁵ points) too
    ///   many free parameters for `pointsPerAxis`.
    public func gridStart(_ nll: NegativeLogLikelihood, pointsPerAxis: Int = 7, fallbackHalfWidth: Double = 1) throws -> [Double] {
        let settings = try resolve(nll)
        let free = settings.indices.filter { settings[$0].isFree }
        let n = max(2, pointsPerAxis)
        var total = 1.0
        for _ in free { total *= Double(n) }
        guard total <= 1e5 else {
            throw InferenceError.invalidArgument(name: "pointsPerAxis", expected: "a grid of at most 10⁵ points for \(free.count) free parameters", got: "\(n) per axis")
        }
        let axes = free.map { i -> [Double] in
            let s = settings[i]
            let lo = s.lower.isFinite ? s.lower : s.startValue - fallbackHalfWidth
            let hi = s.upper.isFinite ? s.upper : s.startValue + fallbackHalfWidth
            return (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
        }
        var thetas: [[Double]] = [settings.map(\.startValue)]
        for k in 0..<Int(total) {
            var theta = settings.map(\.startValue)
            var rest = k
            for (a, i) in free.enumerated() {
                theta[i] = axes[a][rest % n]
                rest /= n
            }
            thetas.append(theta)
        }
        var best = thetas[0], lowest = Double.infinity
        for (theta, value) in zip(thetas, try nll.values(thetas)) where value < lowest {
            lowest = value
            best = theta
        }
        return best
    }
}
