import GMMCompute

extension LatentComponentsView {
    /// The first observable's mixture at `theta` and the latent values of the data at the θ
    /// point nearest it.
    static func make(model: DensityModel, theta: [Double], data: Events, groups: [ThetaGroup], bins: Int,
                     device: Device) throws -> LatentComponentsView {
        let mixture = try model.firstObservableMixture(theta: theta, device: device)
        let lower = mixture.lower, upper = mixture.upper
        var histogram = Histogram(bins: bins, lower: lower, upper: upper)
        var dataTheta: [Double]?
        if let k = ThetaGroup.nearest(groups, to: theta) {
            let group = groups[k]
            dataTheta = group.theta
            let d = model.observableCount
            var x = [Double]()
            x.reserveCapacity(group.indices.count * d)
            for i in group.indices { x += data.x[(i * d)..<((i + 1) * d)] }
            let u = try model.toLatent(x)
            for (n, i) in group.indices.enumerated() { histogram.fill(u[n * d], weight: data.weight(i)) }
        }
        let edges = histogram.edges
        let modelBin = (0..<bins).map { b in mixture.probability(from: edges[b], to: edges[b + 1]) / (edges[b + 1] - edges[b]) }
        let points = 400
        let grid = (0...points).map { lower + (upper - lower) * Double($0) / Double(points) }
        let components = mixture.weights.indices.map { g in grid.map { mixture.componentDensity(g, at: $0) } }
        let total = grid.indices.map { k in components.reduce(0) { $0 + $1[k] } }
        return LatentComponentsView(observable: model.config.observables[0].name, theta: theta, dataTheta: dataTheta, edges: edges,
                                    data: histogram.density, dataErrors: histogram.densityErrors, modelBinDensity: modelBin,
                                    grid: grid, total: total, components: components, mixture: mixture)
    }
}
