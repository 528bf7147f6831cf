/// Where a panel's legend goes.
public enum LegendPlacement: Equatable, Sendable {
    case none, upperRight, upperLeft, lowerRight, lowerLeft
}

/// One set of axes with the elements drawn in it.
public struct Panel: Equatable, Sendable {
    /// The title above the panel (nil: none).
    public var title: String?
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// Drawn in order (later elements on top).
    public var elements: [PlotElement]
    /// Where the legend of the labelled elements goes.
    public var legend: LegendPlacement

    /// A panel; see the properties.
    public init(title: String? = nil, xAxis: Axis = Axis(), yAxis: Axis = Axis(), elements: [PlotElement] = [],
                legend: LegendPlacement = .upperRight) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.elements = elements
        self.legend = legend
    }

    /// Adds an element on top of the others.
    public mutating func add(_ element: PlotElement) { elements.append(element) }

    /// The colour scale of the panel's first heatmap (a colour bar is drawn for it), with its
    /// range fitted to the heatmap's finite values when not given.
    public var colorScale: ColorScale? {
        for element in elements {
            guard case let .heatmap(_, _, values, scale) = element.kind else { continue }
            var fitted = scale
            if fitted.range == nil {
                let finite = values.filter(\.isFinite)
                if let lo = finite.min(), let hi = finite.max() {
                    fitted.range = lo < hi ? lo...hi : (lo - 0.5)...(hi + 0.5)
                } else {
                    fitted.range = 0...1
                }
            }
            return fitted
        }
        return nil
    }

    /// The x and y ranges shown: the axes' limits where given, else fitted to the elements.
    public func ranges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var extent = DataExtent()
        var tightX = true, anyX = false
        for element in elements {
            switch element.kind {
            case let .line(x, y, _):
                for i in x.indices where x[i].isFinite && y[i].isFinite {
                    extent.addX(x[i], scale: xAxis.scale); extent.addY(y[i], scale: yAxis.scale); anyX = true; tightX = false
                }
            case let .stepHistogram(edges, values, errors, _, _):
                extent.addX(edges[0], scale: xAxis.scale); extent.addX(edges[edges.count - 1], scale: xAxis.scale); anyX = true
                for (i, v) in values.enumerated() where v.isFinite {
                    let e = errors?[i] ?? 0
                    extent.addY(v + (e.isFinite ? e : 0), scale: yAxis.scale)
                    extent.addY(v - (e.isFinite ? e : 0), scale: yAxis.scale)
                }
                if values.allSatisfy({ !$0.isFinite || $0 >= 0 }) {
                    extent.yFloor = 0
                    extent.addY(0, scale: yAxis.scale)  // counts start at zero
                }
            case let .markers(x, y, errors, _):
                for i in x.indices where x[i].isFinite && y[i].isFinite {
                    let e = errors?[i] ?? 0
                    extent.addX(x[i], scale: xAxis.scale); anyX = true; tightX = false
                    extent.addY(y[i] + (e.isFinite ? e : 0), scale: yAxis.scale)
                    extent.addY(y[i] - (e.isFinite ? e : 0), scale: yAxis.scale)
                }
            case let .heatmap(xEdges, yEdges, _, _):
                extent.addX(xEdges[0], scale: xAxis.scale); extent.addX(xEdges[xEdges.count - 1], scale: xAxis.scale); anyX = true
                extent.addY(yEdges[0], scale: yAxis.scale); extent.addY(yEdges[yEdges.count - 1], scale: yAxis.scale)
                extent.yFloor = nil
            case let .polyline(points, _, _, _):
                for p in points where p[0].isFinite && p[1].isFinite {
                    extent.addX(p[0], scale: xAxis.scale); extent.addY(p[1], scale: yAxis.scale); anyX = true; tightX = false
                }
            case let .band(x, lower, upper, _):
                for i in x.indices where x[i].isFinite {
                    extent.addX(x[i], scale: xAxis.scale); anyX = true; tightX = false
                    extent.addY(lower[i], scale: yAxis.scale); extent.addY(upper[i], scale: yAxis.scale)
                }
            case .horizontalLine, .verticalLine, .text:
                break
            }
        }
        let onlyHeatmaps = elements.contains { if case .heatmap = $0.kind { return true } else { return false } }
            && !elements.contains { if case .line = $0.kind { return true }; if case .markers = $0.kind { return true }; return false }
        let (x0, x1) = DataExtent.fitted(min: extent.xMin, max: extent.xMax, limits: xAxis.limits, scale: xAxis.scale,
                                         tight: anyX && tightX, floor: nil)
        let (y0, y1) = DataExtent.fitted(min: extent.yMin, max: extent.yMax, limits: yAxis.limits, scale: yAxis.scale,
                                         tight: onlyHeatmaps, floor: extent.yFloor)
        return (x0...x1, y0...y1)
    }
}
