extension InferenceOutcome.Scan {
    /// The scan's plot: a 1-D scan as the −2Δln L curve with each level's Wilks threshold and
    /// the MLE; a 2-D scan as a heatmap (clipped at the largest threshold + 2) with the regions'
    /// boundaries and the MLE (`scan.svg` of `gmm-gpu infer`).
    ///
    /// - Parameter levels: the confidence levels of the thresholds, in the scan's order.
    /// - Throws: ``PlotError`` for malformed contours (not expected from a scan).
    public func figure(confidenceLevels levels: [Double]) throws -> Figure {
        switch self {
        case let .twoDimensional(scan, regions): return try Self.twoDimensional(scan, regions: regions)
        case let .oneDimensional(scan, bounds): return try Self.oneDimensional(scan, thresholds: bounds.map(\.threshold), levels: levels)
        }
    }

    /// A 2-D scan as a heatmap (clipped at the largest threshold + 2) with the regions' boundaries and the MLE.
    static func twoDimensional(_ scan: Scan2D, regions: [ConfidenceRegion]) throws -> Figure {
        var panel = Panel(title: "−2Δln L", xAxis: Axis(label: scan.xParameter), yAxis: Axis(label: scan.yParameter), legend: .upperRight)
        let top = (regions.map(\.threshold).max() ?? 6) + 2
        panel.add(try .heatmap(xEdges: edges(scan.x), yEdges: edges(scan.y), values: scan.deltaTwoNLL.flatMap { $0 }.map { min($0, top) },
                               scale: ColorScale(map: .viridis, range: 0...top, label: "−2Δln L")))
        for (l, region) in regions.enumerated() {
            for (k, line) in region.contours.enumerated() where line.count >= 2 {
                panel.add(try .polyline(line, closed: line.first == line.last, label: k == 0 ? "\(formatPercent(region.confidenceLevel)) region" : nil,
                                        style: LineStyle(color: .white, width: 1.8, dash: LineStyle.dashPatterns[l % LineStyle.dashPatterns.count])))
            }
        }
        panel.add(try .scatter([scan.bestFit], label: "MLE", style: MarkerStyle(shape: .cross, color: Palette.vermillion, size: 10)))
        var figure = Figure(columns: 1, cellWidth: 520, cellHeight: 440, title: "Profile likelihood scan", identifier: "infer-scan")
        figure.add(panel)
        return figure
    }

    /// A 1-D scan as a curve with the thresholds and the MLE.
    static func oneDimensional(_ scan: Scan1D, thresholds: [Double], levels: [Double]) throws -> Figure {
        var panel = Panel(title: "−2Δln L", xAxis: Axis(label: scan.parameter), yAxis: Axis(label: "−2Δln L"), legend: .upperRight)
        panel.add(try .line(x: scan.values, y: scan.deltaTwoNLL, label: "profile scan", style: LineStyle(color: Palette.blue, width: 2)))
        for (l, (threshold, level)) in zip(thresholds, levels).enumerated() {
            panel.add(.horizontalLine(y: threshold, label: "\(formatPercent(level)) (Wilks)", style: LineStyle(color: .grey, width: 1, dash: LineStyle.dashPatterns[l % LineStyle.dashPatterns.count])))
        }
        panel.add(.verticalLine(x: scan.bestFit, label: "MLE", style: LineStyle(color: Palette.vermillion, width: 1.2)))
        var figure = Figure(columns: 1, cellWidth: 520, cellHeight: 400, title: "Profile likelihood scan", identifier: "infer-scan")
        figure.add(panel)
        return figure
    }

    /// Cell edges around grid values (midpoints, ends extended by half a step).
    static func edges(_ values: [Double]) -> [Double] {
        guard values.count > 1 else { return [(values.first ?? 0) - 0.5, (values.first ?? 0) + 0.5] }
        var e = [values[0] - 0.5 * (values[1] - values[0])]
        for k in 0..<(values.count - 1) { e.append(0.5 * (values[k] + values[k + 1])) }
        e.append(values[values.count - 1] + 0.5 * (values[values.count - 1] - values[values.count - 2]))
        return e
    }
}
