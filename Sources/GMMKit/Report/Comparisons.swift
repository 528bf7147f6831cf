extension MarginalComparison {
    /// Compares weighted data values with unweighted model samples over `edges`.
    static func make(observable: ObservableConfig, edges: [Double], data: [(Double, Double)], model: [Double]) -> MarginalComparison {
        var dataHistogram = Histogram(edges: edges), modelHistogram = Histogram(edges: edges)
        for (v, w) in data { dataHistogram.fill(v, weight: w) }
        for v in model { modelHistogram.fill(v) }
        let d = dataHistogram.density, de = dataHistogram.densityErrors
        let m = modelHistogram.density, me = modelHistogram.densityErrors
        var ratio = [Double](), ratioErrors = [Double](), relative = [Double]()
        var chi2 = 0.0, used = 0
        for b in d.indices {
            if d[b] > 0 {
                ratio.append(m[b] / d[b])
                ratioErrors.append(me[b] / d[b])
                relative.append(de[b] / d[b])
            } else {
                ratio.append(.nan)
                ratioErrors.append(.nan)
                relative.append(.nan)
            }
            let variance = de[b] * de[b] + me[b] * me[b]
            if variance > 0 {
                chi2 += (m[b] - d[b]) * (m[b] - d[b]) / variance
                used += 1
            }
        }
        return MarginalComparison(observable: observable.name, unit: observable.unit, edges: edges, data: d, dataErrors: de,
                                  model: m, modelErrors: me, ratio: ratio, ratioErrors: ratioErrors, dataRelativeErrors: relative,
                                  chiSquare: chi2, degreesOfFreedom: max(0, used - 1))
    }
}

extension PairComparison {
    /// Fills the 2-D histograms of weighted data pairs and unweighted model pairs and computes
    /// the pulls of Eq. (10).
    static func make(xIndex: Int, yIndex: Int, edges: ([Double], [Double]), data: [(Double, Double, Double)],
                     model: [(Double, Double)]) -> PairComparison {
        var dataHistogram = Histogram2D(xEdges: edges.0, yEdges: edges.1), modelHistogram = Histogram2D(xEdges: edges.0, yEdges: edges.1)
        for (u, v, w) in data { dataHistogram.fill(u, v, weight: w) }
        for (u, v) in model { modelHistogram.fill(u, v) }
        return PairComparison(xIndex: xIndex, yIndex: yIndex, xEdges: edges.0, yEdges: edges.1, data: dataHistogram.fractions,
                              model: modelHistogram.fractions, pulls: pulls(model: modelHistogram, data: dataHistogram))
    }

    /// Eq. (10): with p = Σw / total and σ_p = sqrt(Σw²) / total for each histogram,
    /// r = p_model / p_data, Δr = r · sqrt((σ_model/p_model)² + (σ_data/p_data)²), pull = (r − 1) / Δr.
    /// An empty model bin next to data counts one model event's uncertainty; NaN where both are
    /// empty; +∞ where only the model has entries.
    static func pulls(model: Histogram2D, data: Histogram2D) -> [Double] {
        let modelEventWeight = model.total == 0 ? 0 : 1 / model.total
        return model.sums.indices.map { b in
            let pm = model.total == 0 ? 0 : model.sums[b] / model.total, pd = data.total == 0 ? 0 : data.sums[b] / data.total
            let sm = model.total == 0 ? 0 : model.squaredSums[b].squareRoot() / model.total
            let sd = data.total == 0 ? 0 : data.squaredSums[b].squareRoot() / abs(data.total)
            if pd <= 0 { return pm > 0 ? .infinity : .nan }
            if pm <= 0 { return -pd / max(modelEventWeight, .leastNonzeroMagnitude) }
            let r = pm / pd
            let dr = r * ((sm / pm) * (sm / pm) + (sd / pd) * (sd / pd)).squareRoot()
            return dr > 0 ? (r - 1) / dr : .nan
        }
    }
}
