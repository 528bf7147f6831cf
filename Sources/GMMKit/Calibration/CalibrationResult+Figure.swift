#if canImport(Glibc)
import Glibc
#endif

extension CalibrationResult {
    /// The test statistic's histogram against χ²_k with the Wilks thresholds, and each free
    /// parameter's pulls against N(0, 1).
    ///
    /// - Throws: ``PlotError`` (not expected from a study's result).
    public func figure() throws -> Figure {
        let r = self
        let k = Double(r.degreesOfFreedom)
        let top = max(r.thresholds.max() ?? 6, 3 * k) * 1.6
        var t = Histogram(bins: 30, lower: 0, upper: top)
        for value in r.testStatistics { t.fill(value) }
        var panel = Panel(title: "t = −2Δln L(θ_true), \(r.testStatistics.count) pseudo-datasets", xAxis: Axis(label: "t"), yAxis: Axis(label: "density"), legend: .upperRight)
        panel.add(try .stepHistogram(edges: t.edges, values: t.density, errors: t.densityErrors, label: "pseudo-datasets", style: LineStyle(color: Palette.blue, width: 1.5)))
        let xs = (1...200).map { top * Double($0) / 200 }
        let logNorm = -0.5 * k * log(2.0) - lgamma(0.5 * k)
        panel.add(try .line(x: xs, y: xs.map { exp(logNorm + (0.5 * k - 1) * log($0) - 0.5 * $0) }, label: "χ²_\(r.degreesOfFreedom) (Wilks)",
                            style: LineStyle(color: Palette.vermillion, width: 1.5)))
        for (l, (level, threshold)) in zip(r.confidenceLevels, r.thresholds).enumerated() {
            panel.add(.verticalLine(x: threshold, label: "\(formatPercent(level)) threshold", style: LineStyle(color: .grey, width: 1, dash: LineStyle.dashPatterns[(l + 1) % LineStyle.dashPatterns.count])))
        }
        var figure = Figure(columns: 2, cellWidth: 480, cellHeight: 380, title: "Toy-based calibration at θ_true = (\(r.trueTheta.map { formatFixed($0, decimals: 3) }.joined(separator: ", ")))",
                            identifier: "calibration")
        figure.add(panel)
        let gaussian = (0...120).map { -4 + 8 * Double($0) / 120 }
        for (j, name) in r.parameterNames.enumerated() where r.fits.first?.free[j] ?? true {
            var pulls = Histogram(bins: 24, lower: -4, upper: 4)
            for f in r.fits where f.errors[j] > 0 { pulls.fill((f.values[j] - r.trueTheta[j]) / f.errors[j]) }
            var p = Panel(title: "pulls of \(name): mean \(formatFixed(r.pullMean[j], decimals: 2)), width \(formatFixed(r.pullWidth[j], decimals: 2))", xAxis: Axis(label: "(θ̂ − θ_true) / σ̂"),
                          yAxis: Axis(label: "density"), legend: .upperRight)
            p.add(try .stepHistogram(edges: pulls.edges, values: pulls.density, errors: pulls.densityErrors, label: "pseudo-datasets", style: LineStyle(color: Palette.blue, width: 1.5)))
            p.add(try .line(x: gaussian, y: gaussian.map { exp(-0.5 * $0 * $0) / (2 * Double.pi).squareRoot() }, label: "N(0, 1)",
                            style: LineStyle(color: Palette.vermillion, width: 1.5)))
            figure.add(p)
        }
        return figure
    }
}
