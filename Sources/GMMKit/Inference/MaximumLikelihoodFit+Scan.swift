extension MaximumLikelihoodFit {
    /// A 1-D profile scan of `parameter` over `values` (inside its bounds), the other free
    /// parameters profiled at each point, warm-started from the neighbouring point outwards
    /// from the best fit.
    ///
    /// - Parameters:
    ///   - nll: the likelihood.
    ///   - parameter: the name of the scanned parameter (free in these settings).
    ///   - values: the scanned values of `parameter`, inside its bounds.
    ///   - result: the fit of `nll` with these settings (the reference minimum).
    ///   - progress: told (points done, points in all) as the scan goes, at least every tenth.
    /// - Throws: ``InferenceError`` for an unknown parameter, no or non-finite values, a value
    ///   outside the bounds, or a result of another likelihood.
    public func scan(_ nll: NegativeLogLikelihood, parameter: String, values: [Double], result: FitResult,
                     progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Scan1D {
        let settings = try resolve(nll)
        try checkResult(result, nll)
        let i = try index(of: parameter, in: nll)
        let grid = try checkedAxis(values, settings[i], field: "values")
        let points = grid.map { [i: $0] }
        let (thetas, nlls, converged) = try profilePoints(nll, settings: settings, result: result, points: points,
                                                          order: nearestFirst(grid, result.values[i]), neighbours: { [$0 - 1, $0 + 1] },
                                                          progress: progress)
        let minimum = min(result.minimumNLL, nlls.min() ?? result.minimumNLL)
        let best = nlls.min().map { $0 < result.minimumNLL ? grid[nlls.firstIndex(of: $0) ?? 0] : result.values[i] } ?? result.values[i]
        return Scan1D(parameter: parameter, values: grid, deltaTwoNLL: nlls.map { 2 * ($0 - minimum) }, profiledParameters: thetas,
                      minimumNLL: minimum, bestFit: best, allConverged: converged)
    }

    /// A 2-D profile scan of `x` × `y` over the grid `xValues` × `yValues` (inside the bounds),
    /// the other free parameters profiled at each point (in one batched pass when none is left
    /// free, or when the rest can be profiled in closed form — ``ClosedFormProfiling``;
    /// otherwise point by point in a serpentine order, warm-started from the previous point).
    ///
    /// - Parameters:
    ///   - nll: the likelihood.
    ///   - x: the name of the first scanned parameter (the grid's columns).
    ///   - xValues: the values of `x`, inside its bounds.
    ///   - y: the name of the second scanned parameter (the grid's rows), other than `x`.
    ///   - yValues: the values of `y`, inside its bounds.
    ///   - result: the fit of `nll` with these settings (the reference minimum).
    ///   - progress: told (points done, points in all) as the scan goes, at least every tenth.
    /// - Throws: ``InferenceError`` for unknown or equal parameters, bad grids, or a result of
    ///   another likelihood.
    public func scan(_ nll: NegativeLogLikelihood, x: String, xValues: [Double], y: String, yValues: [Double],
                     result: FitResult, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Scan2D {
        let settings = try resolve(nll)
        try checkResult(result, nll)
        let ix = try index(of: x, in: nll), iy = try index(of: y, in: nll)
        guard ix != iy else { throw InferenceError.invalidArgument(name: "y", expected: "a parameter other than x ('\(x)')", got: "'\(y)'") }
        let gx = try checkedAxis(xValues, settings[ix], field: "xValues")
        let gy = try checkedAxis(yValues, settings[iy], field: "yValues")
        var points: [[Int: Double]] = []
        var order: [Int] = []
        for (j, vy) in gy.enumerated() {
            for vx in gx { points.append([ix: vx, iy: vy]) }
            let row = (0..<gx.count).map { j * gx.count + $0 }
            order += j % 2 == 0 ? row : row.reversed()
        }
        let nx = gx.count
        let (_, nlls, converged) = try profilePoints(nll, settings: settings, result: result, points: points, order: order,
                                                     neighbours: { k in [k % nx > 0 ? k - 1 : -1, k % nx < nx - 1 ? k + 1 : -1, k - nx, k + nx] },
                                                     progress: progress)
        let minimum = min(result.minimumNLL, nlls.min() ?? result.minimumNLL)
        var best = [result.values[ix], result.values[iy]]
        if let lowest = nlls.min(), lowest < result.minimumNLL, let k = nlls.firstIndex(of: lowest) { best = [gx[k % gx.count], gy[k / gx.count]] }
        let grid = (0..<gy.count).map { j in (0..<gx.count).map { i in 2 * (nlls[j * gx.count + i] - minimum) } }
        return Scan2D(xParameter: x, yParameter: y, x: gx, y: gy, deltaTwoNLL: grid, minimumNLL: minimum, bestFit: best, allConverged: converged)
    }

    private func checkResult(_ result: FitResult, _ nll: NegativeLogLikelihood) throws {
        guard result.parameterNames == nll.parameterNames, result.values.count == nll.parameterNames.count else {
            throw InferenceError.invalidArgument(name: "result", expected: "a fit of this likelihood (\(nll.parameterNames))", got: "a fit of \(result.parameterNames)")
        }
    }

    /// Checks scan values: not empty, finite, inside the bounds; returns them sorted.
    private func checkedAxis(_ values: [Double], _ setting: FitParameter, field: String) throws -> [Double] {
        guard !values.isEmpty else { throw InferenceError.empty(field: field) }
        for (k, v) in values.enumerated() {
            guard v.isFinite else { throw InferenceError.nonFinite(field: field, index: k, value: v) }
            guard v >= setting.lower, v <= setting.upper else {
                throw InferenceError.outsideBounds(parameter: setting.name, value: v, lower: setting.lower, upper: setting.upper)
            }
        }
        return values.sorted()
    }

    /// Indices of `grid` from the one nearest `centre` outwards (each next to one already done).
    private func nearestFirst(_ grid: [Double], _ centre: Double) -> [Int] {
        let start = grid.indices.min(by: { Swift.abs(grid[$0] - centre) < Swift.abs(grid[$1] - centre) }) ?? 0
        return [start] + Array((start + 1)..<max(start + 1, grid.count)) + Array((0..<start).reversed())
    }

    /// The profiled NLL (constraints included) at each point (parameter index → held value).
    /// Points are done in `order`, each warm-started from a finished one of its `neighbours`.
    /// With `progress`, batched passes go in tenths, each followed by a report.
    private func profilePoints(_ nll: NegativeLogLikelihood, settings: [FitParameter], result: FitResult, points: [[Int: Double]],
                               order: [Int], neighbours: (Int) -> [Int],
                               progress: ((Int, Int) -> Void)?) throws -> (thetas: [[Double]], values: [Double], converged: Bool) {
        guard let held = points.first.map({ Set($0.keys) }) else { return ([], [], true) }
        let others = settings.indices.filter { settings[$0].isFree && !held.contains($0) }
        func theta(_ point: [Int: Double]) -> [Double] {
            var t = result.values
            for (i, v) in point { t[i] = v }
            return t
        }
        func constraints(_ t: [Double]) -> Double { settings.indices.reduce(0) { $0 + (settings[$1].constraint?.value(t[$1]) ?? 0) } }
        // A batched evaluation of all points, in tenths when progress is reported.
        func batched<T>(_ thetas: [[Double]], _ body: ([[Double]]) throws -> [T]) rethrows -> [T] {
            guard let progress, thetas.count > 1 else { return try body(thetas) }
            let step = (thetas.count + 9) / 10
            var out: [T] = []
            out.reserveCapacity(thetas.count)
            for first in stride(from: 0, to: thetas.count, by: step) {
                out += try body(Array(thetas[first..<min(thetas.count, first + step)]))
                progress(out.count, thetas.count)
            }
            return out
        }
        if others.isEmpty {
            let thetas = points.map(theta)
            let values = try batched(thetas) { try nll.values($0) }
            return (thetas, zip(values, thetas).map { $0 + constraints($1) }, true)
        }
        if let closed = nll as? ClosedFormProfiling, Set(others).isSubset(of: Set(closed.closedFormParameterIndices)) {
            let profiled = try batched(points.map(theta)) {
                try closed.profiledClosedForm($0, bounds: settings.map { $0.lower...$0.upper }, constraints: settings.map(\.constraint))
            }
            return (profiled.map(\.theta), profiled.map { $0.value + constraints($0.theta) }, true)
        }
        var thetas = [[Double]](repeating: [], count: points.count)
        var values = [Double](repeating: 0, count: points.count)
        var converged = true
        var reported = 0
        for (count, k) in order.enumerated() {
            let done = neighbours(k).first { $0 >= 0 && $0 < points.count && !thetas[$0].isEmpty }
            var start = done.map { thetas[$0] } ?? result.values
            for (i, v) in points[k] { start[i] = v }
            let profiled = try profile(nll, settings: settings, fixing: points[k], start: start)
            thetas[k] = profiled.theta
            values[k] = profiled.value
            converged = converged && profiled.status.isConverged
            if let progress, (count + 1) * 10 / points.count > reported || count + 1 == points.count {
                reported = (count + 1) * 10 / points.count
                progress(count + 1, points.count)
            }
        }
        return (thetas, values, converged)
    }
}
