extension ObservableProjection {
    /// Builds the projection of one continuous observable from its (weighted) values at the reference θ.
    ///
    /// Construction of Q_x = (1 − f)·D_x + f·L_x on the range [a, b] it covers:
    /// - [a, b] is the declared interval; an infinite side is replaced by the data range extended by
    ///   ``unboundedMarginFraction`` (5%) of that range (of max(1, |value|) if all values are equal).
    /// - D_x is a continuous, piecewise-linear version of the weighted empirical CDF: each distinct value v
    ///   is a knot at the middle of its jump, (C(v⁻) + C(v)) / 2, and D_x(a) = 0, D_x(b) = 1. Values equal
    ///   to a or b merge into those end knots. With more than `maxKnots` distinct values, one knot is kept per
    ///   quantile bin of width 1/`maxKnots`, so the knots sit at weighted quantiles.
    /// - Negative weights may make that curve decrease: it is clamped to [0, 1] and replaced by its running
    ///   maximum, and every knot is raised to at least 1e-10 above its predecessor (then rescaled to end at 1),
    ///   so D_x is strictly increasing even when f = 0.
    /// - L_x(x) = (x − a) / (b − a).
    /// - On an unbounded side the outermost segment becomes an exponential tail
    ///   (``ProjectionTail/exponential``), so values beyond the data keep a positive density.
    ///
    /// - Parameters:
    ///   - name: observable name, used in errors.
    ///   - values: the observable at the reference θ, shape `[N]`, finite and inside [lowerBound, upperBound].
    ///   - weights: event weights, shape `[N]`, or `nil` for unit weights. Single weights may be negative;
    ///     their sum must be positive.
    ///   - lowerBound: declared lower bound (may be −∞).
    ///   - upperBound: declared upper bound (may be +∞).
    ///   - f: projection constant in [0, 1].
    ///   - target: the latent target (default: the paper's).
    ///   - maxKnots: maximum number of interior knots (default 1000).
    ///   - interpolation: how Q_x runs between knots (default: linear, the paper's).
    ///   - coverage: values an unbounded side must also cover, besides `values` (for example the
    ///     range of the observable at every θ, while D_x comes from the reference θ alone).
    /// - Throws: ``ProjectionError`` for empty data, mismatched counts, non-finite values or weights,
    ///   values outside the interval, a non-positive total weight, an invalid interval, f or `maxKnots`.
    public init(
        name: String, values: [Double], weights: [Double]? = nil,
        lowerBound: Double, upperBound: Double, f: Double,
        target: LatentTarget = .standard, maxKnots: Int = 1000, coverage: ClosedRange<Double>? = nil,
        interpolation: ProjectionInterpolation = .linear
    ) throws(ProjectionError) {
        guard !lowerBound.isNaN, !upperBound.isNaN, lowerBound < upperBound else {
            throw .invalidInterval(observable: name, lower: lowerBound, upper: upperBound)
        }
        guard f >= 0, f <= 1 else { throw .invalidProjectionF(observable: name, f: f) }
        guard maxKnots >= 1 else { throw .invalidKnotCount(observable: name, maxKnots: maxKnots) }
        guard !values.isEmpty else { throw .emptyData(observable: name) }
        let w = weights ?? [Double](repeating: 1, count: values.count)
        guard w.count == values.count else {
            throw .countMismatch(observable: name, values: values.count, weights: w.count)
        }
        var total = 0.0
        for i in values.indices {
            let v = values[i]
            guard v.isFinite else { throw .nonFiniteValue(observable: name, index: i, value: v) }
            guard v >= lowerBound, v <= upperBound else {
                throw .valueOutsideInterval(observable: name, index: i, value: v, lower: lowerBound, upper: upperBound)
            }
            guard w[i].isFinite else { throw .nonFiniteWeight(observable: name, index: i, weight: w[i]) }
            total += w[i]
        }
        guard total > 0 else { throw .nonPositiveTotalWeight(observable: name, total: total) }

        let knots = Self.buildKnots(
            values: values, weights: w, total: total,
            lowerBound: lowerBound, upperBound: upperBound, f: f, maxKnots: maxKnots, coverage: coverage)
        let table = ProjectionTable(
            name: name,
            declaredLowerBound: lowerBound.isFinite ? lowerBound : nil,
            declaredUpperBound: upperBound.isFinite ? upperBound : nil,
            projectionF: f, knotsX: knots.x, knotsQ: knots.q, target: target)
        var chosen = table
        chosen.interpolation = interpolation
        chosen.tails = .exponential
        try self.init(table: chosen)
    }

    /// The knot tables of Q_x for validated inputs (see the initialiser's documentation).
    static func buildKnots(
        values: [Double], weights: [Double], total: Double,
        lowerBound: Double, upperBound: Double, f: Double, maxKnots: Int, coverage: ClosedRange<Double>? = nil
    ) -> (x: [Double], q: [Double]) {
        // Distinct values in increasing order with their summed weights.
        let order = values.indices.sorted { values[$0] < values[$1] }
        var distinct: [Double] = []
        var mass: [Double] = []
        for i in order {
            if let last = distinct.last, last == values[i] {
                mass[mass.count - 1] += weights[i]
            } else {
                distinct.append(values[i])
                mass.append(weights[i])
            }
        }
        let vMin = min(distinct[0], coverage?.lowerBound ?? .infinity)
        let vMax = max(distinct[distinct.count - 1], coverage?.upperBound ?? -.infinity)
        let range = vMax - vMin
        let margin = unboundedMarginFraction * (range > 0 ? range : max(1, abs(vMin)))
        let a = lowerBound.isFinite ? lowerBound : vMin - margin
        let b = upperBound.isFinite ? upperBound : vMax + margin

        // Interior knots at mid-jump heights, made monotone (running max, clamped to [0, 1]).
        var interiorX: [Double] = []
        var interiorY: [Double] = []
        var cumulative = 0.0
        var runningMax = 0.0
        for (v, m) in zip(distinct, mass) {
            let before = cumulative
            cumulative += m
            let height = min(1, max(0, 0.5 * (before + cumulative) / total))
            runningMax = max(runningMax, height)
            if v > a, v < b {
                interiorX.append(v)
                interiorY.append(runningMax)
            }
        }

        // Thin to at most maxKnots: one knot per quantile bin of width 1 / maxKnots.
        if interiorX.count > maxKnots {
            var keptX: [Double] = []
            var keptY: [Double] = []
            var lastBin = -1
            for (x, y) in zip(interiorX, interiorY) {
                let bin = min(maxKnots - 1, Int(y * Double(maxKnots)))
                if bin > lastBin {
                    keptX.append(x)
                    keptY.append(y)
                    lastBin = bin
                }
            }
            interiorX = keptX
            interiorY = keptY
        }

        // Strictly increasing D_x from 0 at a to 1 at b.
        let minimumStep = 1e-10
        var xs = [a] + interiorX + [b]
        var ys = [0.0] + interiorY + [1.0]
        for j in 1..<ys.count { ys[j] = max(ys[j], ys[j - 1] + minimumStep) }
        let top = ys[ys.count - 1]
        for j in ys.indices { ys[j] /= top }

        // Mix with the linear curve; drop interior knots that rounding left non-increasing.
        var outX = [a]
        var outQ = [0.0]
        let width = b - a
        for j in 1..<(xs.count - 1) {
            let q = (1 - f) * ys[j] + f * (xs[j] - a) / width
            if q > outQ[outQ.count - 1], q < 1 {
                outX.append(xs[j])
                outQ.append(q)
            }
        }
        outX.append(b)
        outQ.append(1)
        xs = outX
        ys = outQ
        return (xs, ys)
    }
}
