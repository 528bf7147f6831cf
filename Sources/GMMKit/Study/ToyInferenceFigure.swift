/// Figure 15 of the paper from a ``ToyInferenceStudyResult``: one panel per true point (3 × 3
/// for the paper's points) with the true point (black dot), the training points in range (open
/// circles), and for the first scanned data set the 68% / 95% regions and MLEs of the true
/// density (orange) and of the model (blue).
public enum ToyInferenceFigure {
    /// The figure; `trainingPoints` are drawn where they fall inside a panel.
    /// - Throws: ``PlotError`` for malformed contours (not expected from a study's result).
    public static func make(_ result: ToyInferenceStudyResult, trainingPoints: [ToyModel.Parameter], title: String) throws -> Figure {
        var figure = Figure(columns: 3, cellWidth: 330, cellHeight: 300, title: title, identifier: "figure15")
        let dashes = LineStyle.dashPatterns
        for (index, point) in result.points.enumerated() {
            let (cx, cy) = (point.trueTheta[0], point.trueTheta[1])
            // One legend, in the first panel: in every panel it would hide the regions.
            var panel = Panel(title: "c_true = (\(cx), \(cy))", xAxis: Axis(label: "cx"), yAxis: Axis(label: "cy"),
                              legend: index == 0 ? .upperRight : .none)
            var xs = [cx], ys = [cy]
            if let scan = point.scans.first {
                for (l, level) in result.settings.confidenceLevels.enumerated() {
                    let percent = formatPercent(level)
                    for (contours, color, who) in [(scan.truthContours[l], Palette.orange, "true PDF"), (scan.modelContours[l], Palette.blue, "model")] {
                        for (k, line) in contours.enumerated() where line.count >= 2 {
                            let closed = line.first == line.last
                            panel.add(try .polyline(line, closed: closed, label: k == 0 ? "\(who) \(percent)" : nil,
                                                    style: LineStyle(color: color, width: 1.5, dash: dashes[l % dashes.count])))
                        }
                    }
                }
                panel.add(try .scatter([scan.truthFit.values], label: "MLE true PDF", style: MarkerStyle(shape: .cross, color: Palette.orange, size: 9)))
                panel.add(try .scatter([scan.modelFit.values], label: "MLE model", style: MarkerStyle(shape: .cross, color: Palette.blue, size: 9)))
                xs += [scan.truthScan.x.first, scan.truthScan.x.last].compactMap { $0 }
                ys += [scan.truthScan.y.first, scan.truthScan.y.last].compactMap { $0 }
            }
            let xRange = (xs.min() ?? cx - 0.5)...(xs.max() ?? cx + 0.5)
            let yRange = (ys.min() ?? cy - 0.5)...(ys.max() ?? cy + 0.5)
            panel.xAxis.limits = xRange
            panel.yAxis.limits = yRange
            let trained = trainingPoints.filter { xRange.contains($0.cx) && yRange.contains($0.cy) }.map { [$0.cx, $0.cy] }
            if !trained.isEmpty {
                panel.add(try .scatter(trained, label: "trained c", style: MarkerStyle(shape: .openCircle, color: .grey, size: 7)))
            }
            panel.add(try .scatter([[cx, cy]], label: "c_true", style: MarkerStyle(shape: .circle, color: .black, size: 6)))
            figure.add(panel)
        }
        return figure
    }
}
