#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

extension ThetaScan {
    /// Each marginal's ratio to the reference θ at the data's θ points: for the data, the ratio
    /// of the normalised histograms; for the model, events drawn at θ_ref reweighted by
    /// p(x|θ)/p(x|θ_ref) (importance sampling), so the same events serve every θ.
    static func make(model: DensityModel, data: Events, groups: [ThetaGroup], edges: [[Double]], options: ValidationReportOptions,
                     device: Device, progress: ((String) -> Void)?) throws -> ThetaScan {
        let d = model.observableCount
        guard let referenceIndex = ThetaGroup.nearest(groups, to: model.config.parameters.reference) else {
            throw ValidationReportError.noEvents
        }
        let chosen = selectPoints(groups.map(\.theta), reference: referenceIndex, limit: options.maxThetaPoints)
        let reference = groups[referenceIndex]
        let count = min(100_000, options.maxModelSamples, max(options.minModelSamples, Int(options.samplesPerEvent * Double(reference.indices.count))))
        progress?("θ scan: sampling \(count) model events at the reference θ \(ReportFormat.theta(reference.theta))")
        let samples = try model.sample(count: count, theta: reference.theta, seed: options.seed &+ 7919, device: device)
        let logReference = try model.logProb(samples, theta: reference.theta, device: device)

        func dataHistograms(_ group: ThetaGroup) -> [Histogram] {
            (0..<d).map { i in
                var h = Histogram(edges: edges[i])
                for r in group.indices { h.fill(data.x[r * d + i], weight: data.weight(r)) }
                return h
            }
        }
        let dataReference = dataHistograms(reference)
        var points = [Point]()
        for (n, k) in chosen.enumerated() {
            let group = groups[k]
            progress?("θ scan: point \(n + 1)/\(chosen.count) \(ReportFormat.theta(group.theta))")
            let logTheta = k == referenceIndex ? logReference : try model.logProb(samples, theta: group.theta, device: device)
            let importance = try ImportanceWeights(logTarget: logTheta, logProposal: logReference,
                                                   proposalTheta: reference.theta, targetTheta: group.theta)
            let weights = importance.weights
            let meanWeight = importance.meanWeight
            let dataHere = dataHistograms(group)
            var point = Point(theta: group.theta, dataRatio: [], dataErrors: [], modelRatio: [], modelErrors: [])
            for i in 0..<d {
                // Model: mean weight per bin over the overall mean weight.
                let bins = edges[i].count - 1
                var sum = [Double](repeating: 0, count: bins), squares = sum, entries = sum
                let probe = Histogram(edges: edges[i])
                for r in 0..<count {
                    guard let b = probe.bin(of: samples[r * d + i]) else { continue }
                    sum[b] += weights[r]
                    squares[b] += weights[r] * weights[r]
                    entries[b] += 1
                }
                var ratio = [Double](), errors = [Double]()
                for b in 0..<bins {
                    guard entries[b] >= 2, meanWeight > 0 else { ratio.append(.nan); errors.append(.nan); continue }
                    let mean = sum[b] / entries[b]
                    let variance = max(0, squares[b] / entries[b] - mean * mean) * entries[b] / (entries[b] - 1)
                    ratio.append(mean / meanWeight)
                    errors.append((variance / entries[b]).squareRoot() / meanWeight)
                }
                point.modelRatio.append(ratio)
                point.modelErrors.append(errors)
                // Data: ratio of normalised densities, relative errors in quadrature.
                let numerator = dataHere[i].density, numeratorErrors = dataHere[i].densityErrors
                let denominator = dataReference[i].density, denominatorErrors = dataReference[i].densityErrors
                var dataRatio = [Double](), dataErrors = [Double]()
                for b in 0..<bins {
                    guard denominator[b] > 0, numerator[b] > 0 else { dataRatio.append(.nan); dataErrors.append(.nan); continue }
                    let r = numerator[b] / denominator[b]
                    dataRatio.append(r)
                    let relative = k == referenceIndex ? 0 : (numeratorErrors[b] / numerator[b]) * (numeratorErrors[b] / numerator[b])
                        + (denominatorErrors[b] / denominator[b]) * (denominatorErrors[b] / denominator[b])
                    dataErrors.append(r * relative.squareRoot())
                }
                point.dataRatio.append(dataRatio)
                point.dataErrors.append(dataErrors)
            }
            points.append(point)
        }
        return ThetaScan(parameterNames: model.config.parameters.names, reference: reference.theta, edges: edges, points: points,
                         modelSamples: count)
    }

    /// Indices of at most `limit` of the sorted θ points `thetas`, always with `reference`: when
    /// the points form a full grid, every s-th value of each parameter counted from the
    /// reference's (the smallest stride s that fits), else points spread evenly over the list.
    static func selectPoints(_ thetas: [[Double]], reference: Int, limit: Int) -> [Int] {
        guard thetas.count > limit, let p = thetas.first?.count, p > 0 else { return Array(thetas.indices) }
        let values = (0..<p).map { j in Array(Set(thetas.map { $0[j] })).sorted() }
        if values.reduce(1, { $0 * $1.count }) == thetas.count {
            let referencePosition = (0..<p).map { j in values[j].firstIndex(of: thetas[reference][j]) ?? 0 }
            for stride in 2...max(2, values.map(\.count).max() ?? 2) {
                let kept = (0..<p).map { j in Set(values[j].indices.filter { ($0 - referencePosition[j]) % stride == 0 }.map { values[j][$0] }) }
                if kept.reduce(1, { $0 * $1.count }) <= limit {
                    return thetas.indices.filter { i in (0..<p).allSatisfy { kept[$0].contains(thetas[i][$0]) } }
                }
            }
        }
        let spread = (0..<limit).map { ($0 * (thetas.count - 1)) / max(1, limit - 1) }
        return Array(Set(spread + [reference])).sorted()
    }
}
