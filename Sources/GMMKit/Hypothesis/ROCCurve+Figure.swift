extension ROCCurve {
    /// The curve: signal efficiency against background efficiency, with the diagonal of no separation.
    ///
    /// - Parameters:
    ///   - points: the corners drawn (e.g. ``thinned(to:)``); the legend gives the full curve's AUC.
    ///   - theta0: the background hypothesis, for the title.
    ///   - theta1: the signal hypothesis, for the title.
    /// - Throws: ``PlotError`` (not expected from a curve).
    public func figure(points: [ROCCurve.Point], theta0: [Double], theta1: [Double]) throws -> Figure {
        let (auc, error) = (self.auc, aucStandardError)
        var panel = Panel(title: "θ1 = (\(theta1.map { formatFixed($0, decimals: 3) }.joined(separator: ", "))) against θ0 = (\(theta0.map { formatFixed($0, decimals: 3) }.joined(separator: ", ")))",
                          xAxis: Axis(label: "background efficiency (false positive rate)", limits: 0...1),
                          yAxis: Axis(label: "signal efficiency (true positive rate)", limits: 0...1), legend: .lowerRight)
        panel.add(try .line(x: [0, 1], y: [0, 1], label: "no separation (AUC 0.5)", style: LineStyle(color: .grey, width: 1, dash: [4, 3])))
        panel.add(try .line(x: points.map(\.falsePositiveRate), y: points.map(\.truePositiveRate),
                            label: "log p(x|θ1)/p(x|θ0): AUC \(formatFixed(auc, decimals: 4)) ± \(formatFixed(error, decimals: 4))", style: LineStyle(color: Palette.blue, width: 2)))
        var figure = Figure(columns: 1, cellWidth: 520, cellHeight: 480, title: "ROC curve of the likelihood ratio", identifier: "roc")
        figure.add(panel)
        return figure
    }
}
