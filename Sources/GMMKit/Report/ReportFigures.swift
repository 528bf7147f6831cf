#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The report's figures as ``Figure`` values, built from a ``ValidationReport``'s data.
public enum ReportFigures {
    static let dataColor = Palette.vermillion
    static let modelColor = PlotColor.black

    /// The axis of observable `i`: its name and configured unit.
    static func axis(_ report: ValidationReport, _ i: Int) -> Axis { Axis(label: report.observables[i], unit: report.units[i]) }

    /// Training and validation loss per epoch, with the kept epoch marked.
    public static func loss(_ report: ValidationReport) throws -> Figure {
        var figure = Figure(columns: 1, cellWidth: 560, cellHeight: 300, identifier: "loss")
        // Few epochs: about one tick per epoch, so the ticks stay whole numbers.
        let xAxis = Axis(label: "epoch", tickTarget: max(2, min(5, report.loss.epochs.count - 1)))
        var panel = Panel(xAxis: xAxis, yAxis: Axis(label: "loss", unit: "nats/event"))
        let curves = report.loss
        if curves.epochs.isEmpty {
            panel.title = "no training record"
        } else {
            panel.add(try .line(x: curves.epochs, y: curves.training, label: "training", style: LineStyle(color: modelColor)))
            panel.add(try .line(x: curves.epochs, y: curves.validation, label: "validation", style: .dashed(dataColor)))
            if curves.epochs.count == 1 {
                panel.add(try .markers(x: curves.epochs, y: curves.training, style: MarkerStyle(color: modelColor)))
                panel.add(try .markers(x: curves.epochs, y: curves.validation, style: MarkerStyle(shape: .square, color: dataColor)))
            }
            if curves.bestEpoch > 0 {
                panel.add(.verticalLine(x: Double(curves.bestEpoch), label: "kept epoch \(curves.bestEpoch)", style: .dotted(Palette.blue)))
            }
        }
        figure.add(panel)
        return figure
    }

    /// 1-D marginals of data and model with ratio panels (Figure 4).
    public static func marginals(_ report: ValidationReport) throws -> Figure {
        var figure = Figure(columns: min(3, max(1, report.marginals.count)), cellWidth: 390, cellHeight: 340, identifier: "marginals")
        for (i, m) in report.marginals.enumerated() {
            let x = axis(report, i)
            let densityUnit = m.unit.map { $0.isEmpty ? nil : "1/\($0)" } ?? nil
            var main = Panel(title: m.observable, xAxis: x, yAxis: Axis(label: "density", unit: densityUnit))
            main.add(try .stepHistogram(edges: m.edges, values: m.data, errors: m.dataErrors, label: "data",
                                        style: LineStyle(color: dataColor), band: FillStyle(color: dataColor, opacity: 0.25)))
            main.add(try .stepHistogram(edges: m.edges, values: m.model, errors: m.modelErrors, label: "model",
                                        style: LineStyle(color: modelColor), band: FillStyle(color: .grey, opacity: 0.35)))
            let half = ratioHalfRange(m.ratio, m.ratioErrors)
            var ratio = Panel(xAxis: x, yAxis: Axis(label: "model/data", limits: (1 - half)...(1 + half), tickTarget: 2), legend: .none)
            ratio.add(try .stepHistogram(edges: m.edges, values: m.ratio.map { $0.isNaN ? .nan : 1 }, errors: m.dataRelativeErrors,
                                         style: LineStyle(color: dataColor, width: 1), band: FillStyle(color: dataColor, opacity: 0.25)))
            ratio.add(try .stepHistogram(edges: m.edges, values: m.ratio, errors: m.ratioErrors, style: LineStyle(color: modelColor),
                                         band: FillStyle(color: .grey, opacity: 0.35)))
            figure.add(try FigureCell(stacked: [main, ratio], heightRatios: [2.6, 1]))
        }
        return figure
    }

    /// A symmetric ratio range around 1 that shows the well-measured bins: 1.5 times the largest
    /// deviation among bins whose error is below 0.5, between ±5% and ±100%.
    static func ratioHalfRange(_ ratio: [Double], _ errors: [Double]) -> Double {
        let deviations = zip(ratio, errors).compactMap { r, e in r.isFinite && e.isFinite && e < 0.5 ? abs(r - 1) + e : nil }
        let largest = deviations.max() ?? 0.5
        return min(1, max(0.05, 1.2 * largest))
    }

    /// 2-D marginals of the data (Figure 5), of the model (Figure 6) or the pull map (Figure 7).
    public enum PairContent: String, Sendable { case data, model, pull }

    /// One heatmap per pair of observables.
    public static func pairs(_ report: ValidationReport, _ content: PairContent) throws -> Figure {
        var figure = Figure(columns: min(4, max(1, report.pairs.count)), cellWidth: 290, cellHeight: 250, identifier: "pairs-\(content.rawValue)")
        for pair in report.pairs {
            var panel = Panel(title: "\(report.observables[pair.yIndex]) vs \(report.observables[pair.xIndex])",
                              xAxis: axis(report, pair.xIndex), yAxis: axis(report, pair.yIndex), legend: .none)
            switch content {
            case .data, .model:
                let fractions = content == .data ? pair.data : pair.model
                let logs = fractions.map { $0 > 0 ? log10($0) : .nan }
                let finite = (pair.data + pair.model).filter { $0 > 0 }.map { log10($0) }
                let range = (finite.min() ?? -4)...(finite.max() ?? 0)
                panel.add(try .heatmap(xEdges: pair.xEdges, yEdges: pair.yEdges, values: logs,
                                       scale: ColorScale(map: .viridis, range: range.lowerBound < range.upperBound ? range : nil,
                                                         label: "log₁₀ fraction")))
            case .pull:
                panel.add(try .heatmap(xEdges: pair.xEdges, yEdges: pair.yEdges, values: pair.pulls.map { $0 == -.infinity ? -5 : $0 },
                                       scale: ColorScale(map: .blueWhiteRed, range: -5...5, label: "pull", overflowColor: .black)))
            }
            figure.add(panel)
        }
        return figure
    }

    /// The first observable's latent density: data, the mixture and its components (Figure 2).
    public static func latent(_ view: LatentComponentsView) throws -> Figure {
        var figure = Figure(columns: 1, cellWidth: 640, cellHeight: 420, identifier: "latent")
        let x = Axis(label: "u (latent \(view.observable))")
        var main = Panel(title: "p(u|θ = \(ReportFormat.theta(view.theta)))", xAxis: x, yAxis: Axis(label: "density"))
        let nonZero = view.components.indices.filter { g in view.mixture.weights[g] > 1e-4 }
        for (n, g) in nonZero.enumerated() {
            main.add(try .line(x: view.grid, y: view.components[g], label: n == 0 ? "components (\(nonZero.count) of \(view.components.count))" : nil,
                               style: LineStyle(color: Palette.color(1 + n % 6), width: 0.8)))
        }
        if view.dataTheta != nil {
            let label = view.dataTheta == view.theta ? "data" : "data at θ = \(ReportFormat.theta(view.dataTheta ?? []))"
            main.add(try .markers(x: centres(view.edges), y: view.data, yErrors: view.dataErrors, label: label,
                                  style: MarkerStyle(color: dataColor, size: 4)))
        }
        main.add(try .line(x: view.grid, y: view.total, label: "model", style: LineStyle(color: modelColor, width: 1.6)))
        var ratio = Panel(xAxis: x, yAxis: Axis(label: "data/model", limits: 0.5...1.5, tickTarget: 2), legend: .none)
        ratio.add(.horizontalLine(y: 1, style: LineStyle(color: modelColor, width: 1, dash: [4, 3])))
        if view.dataTheta != nil {
            let r = zip(view.data, view.modelBinDensity).map { $1 > 0 ? $0 / $1 : .nan }
            let e = zip(view.dataErrors, view.modelBinDensity).map { $1 > 0 ? $0 / $1 : .nan }
            let half = ratioHalfRange(r, e)
            ratio.yAxis.limits = (1 - half)...(1 + half)
            ratio.add(try .markers(x: centres(view.edges), y: r, yErrors: e, style: MarkerStyle(color: dataColor, size: 4)))
        }
        figure.add(try FigureCell(stacked: [main, ratio], heightRatios: [3, 1]))
        return figure
    }

    /// Per observable, the ratio p(x|θ)/p(x|θ_ref) at each θ point: data (markers) and model by
    /// importance sampling (line with band) (Figures 10–13).
    public static func thetaScan(_ report: ValidationReport, _ scan: ThetaScan, observable i: Int) throws -> Figure {
        let thetas = scan.points.map(\.theta)
        var columns = Int(Double(thetas.count).squareRoot().rounded(.up))
        if thetas.first?.count == 2 {
            let distinct = Set(thetas.map { $0[1] }).count
            if distinct * Set(thetas.map { $0[0] }).count == thetas.count && distinct <= 7 { columns = distinct }
        }
        var figure = Figure(columns: columns, cellWidth: 250, cellHeight: 200, identifier: "scan\(i)")
        let edges = scan.edges[i]
        let centres = centres(edges)
        for point in scan.points {
            let isReference = point.theta == scan.reference
            let finite = (point.modelRatio[i] + point.dataRatio[i]).filter(\.isFinite)
            let upper = min(4, max(1.2, (finite.max() ?? 1.5) * 1.1)), lower = max(0, min(0.8, (finite.min() ?? 0.5) * 0.9))
            var panel = Panel(title: "θ = \(ReportFormat.theta(point.theta))\(isReference ? " (ref.)" : "")", xAxis: axis(report, i),
                              yAxis: Axis(label: "p(x|θ)/p(x|θ_ref)", limits: lower...upper, tickTarget: 3), legend: .none)
            panel.add(.horizontalLine(y: 1))
            panel.add(try .stepHistogram(edges: edges, values: point.modelRatio[i], errors: point.modelErrors[i], label: "model",
                                         style: LineStyle(color: modelColor, width: 1.2), band: FillStyle(color: .grey, opacity: 0.35)))
            panel.add(try .markers(x: centres, y: point.dataRatio[i], yErrors: point.dataErrors[i], label: "data",
                                   style: MarkerStyle(color: dataColor, size: 3.5)))
            if isReference || point.theta == scan.points.first?.theta { panel.legend = .upperLeft }
            figure.add(panel)
        }
        return figure
    }

    static func centres(_ edges: [Double]) -> [Double] { zip(edges, edges.dropFirst()).map { 0.5 * ($0 + $1) } }
}
