/// Draws plot elements in pixel coordinates given the panel's axis maps.
struct ElementDrawer {
    var x: AxisMapping
    var y: AxisMapping

    private let n = SVGWriter.number

    init(x: AxisMapping, y: AxisMapping) {
        self.x = x
        self.y = y
    }

    mutating func draw(_ element: PlotElement, into svg: inout SVGWriter) {
        switch element.kind {
        case let .line(xs, ys, style):
            let d = path(zip(xs, ys).map { ($0, $1) }, closed: false)
            if !d.isEmpty { svg.element("path", [("d", d), ("stroke-linejoin", "round")] + SVGWriter.stroke(style)) }
        case let .stepHistogram(edges, values, errors, style, band):
            if let errors, let band { drawHistogramBand(edges, values, errors, band, into: &svg) }
            let d = stepPath(edges, values)
            if !d.isEmpty { svg.element("path", [("d", d)] + SVGWriter.stroke(style)) }
        case let .markers(xs, ys, errors, style):
            drawMarkers(xs, ys, errors, style, into: &svg)
        case let .heatmap(xEdges, yEdges, values, scale):
            drawHeatmap(xEdges, yEdges, values, scale, into: &svg)
        case let .polyline(points, closed, style, fill):
            let d = path(points.map { ($0[0], $0[1]) }, closed: closed)
            guard !d.isEmpty else { return }
            var attributes: [(String, String)] = [("d", d), ("stroke-linejoin", "round")]
            if let style { attributes += SVGWriter.stroke(style) } else { attributes.append(("stroke", "none")) }
            if let fill {
                attributes.removeAll { $0.0 == "fill" }
                attributes += [("fill", fill.color.hexString), ("fill-opacity", n(fill.opacity))]
            }
            svg.element("path", attributes)
        case let .band(xs, lower, upper, fill):
            drawBand(xs, lower, upper, fill, into: &svg)
        case let .horizontalLine(value, style):
            guard let p = y.pixel(value) else { return }
            svg.element("path", [("d", "M\(n(x.pixelLower)) \(n(p))H\(n(x.pixelUpper))")] + SVGWriter.stroke(style))
        case let .verticalLine(value, style):
            guard let p = x.pixel(value) else { return }
            svg.element("path", [("d", "M\(n(p)) \(n(y.pixelLower))V\(n(y.pixelUpper))")] + SVGWriter.stroke(style))
        case let .text(text, tx, ty, color):
            guard let px = x.pixel(tx), let py = y.pixel(ty) else { return }
            svg.element("text", [("x", n(px)), ("y", n(py)), ("fill", color.hexString)], content: text)
        }
    }

    /// An SVG path through the drawable points, broken where a point cannot be drawn.
    func path(_ points: [(Double, Double)], closed: Bool) -> String {
        var d = "", pen = false, segments = 0
        for (px, py) in points {
            guard let a = x.clampedPixel(px), let b = y.clampedPixel(py) else { pen = false; continue }
            d += (pen ? "L" : "M") + n(a) + " " + n(b)
            if !pen { segments += 1 }
            pen = true
        }
        if closed && segments == 1 { d += "Z" }
        return d
    }

    /// The outline of a step histogram, broken at bins with non-finite values.
    func stepPath(_ edges: [Double], _ values: [Double]) -> String {
        var d = "", previous: Double? = nil
        for (i, v) in values.enumerated() {
            guard let x0 = x.clampedPixel(edges[i]), let x1 = x.clampedPixel(edges[i + 1]), let py = y.clampedPixel(v) else {
                previous = nil
                continue
            }
            d += previous == nil ? "M\(n(x0)) \(n(py))" : "V\(n(py))"
            d += "H\(n(x1))"
            previous = py
        }
        return d
    }

    func drawHistogramBand(_ edges: [Double], _ values: [Double], _ errors: [Double], _ fill: FillStyle, into svg: inout SVGWriter) {
        var d = ""
        for i in values.indices {
            let lo = values[i] - errors[i], hi = values[i] + errors[i]
            guard let x0 = x.clampedPixel(edges[i]), let x1 = x.clampedPixel(edges[i + 1]),
                  let y0 = y.clampedPixel(lo) ?? (y.scale == .log && hi.isFinite ? y.pixelLower : nil), let y1 = y.clampedPixel(hi) else { continue }
            d += "M\(n(x0)) \(n(y0))H\(n(x1))V\(n(y1))H\(n(x0))Z"
        }
        if !d.isEmpty { svg.element("path", [("d", d), ("fill", fill.color.hexString), ("fill-opacity", n(fill.opacity)), ("stroke", "none")]) }
    }

    func drawBand(_ xs: [Double], _ lower: [Double], _ upper: [Double], _ fill: FillStyle, into svg: inout SVGWriter) {
        // One polygon per run of drawable points.
        var d = "", run = [(Double, Double, Double)]()
        func flush() {
            if run.count >= 2 {
                d += "M" + run.map { "\(n($0.0)) \(n($0.2))" }.joined(separator: "L")
                d += "L" + run.reversed().map { "\(n($0.0)) \(n($0.1))" }.joined(separator: "L") + "Z"
            }
            run.removeAll()
        }
        for i in xs.indices {
            guard let px = x.clampedPixel(xs[i]), let lo = y.clampedPixel(lower[i]), let hi = y.clampedPixel(upper[i]) else { flush(); continue }
            run.append((px, lo, hi))
        }
        flush()
        if !d.isEmpty { svg.element("path", [("d", d), ("fill", fill.color.hexString), ("fill-opacity", n(fill.opacity)), ("stroke", "none")]) }
    }

    func drawMarkers(_ xs: [Double], _ ys: [Double], _ errors: [Double]?, _ style: MarkerStyle, into svg: inout SVGWriter) {
        let r = style.size / 2
        var bars = "", shapes = ""
        for i in xs.indices {
            guard let px = x.clampedPixel(xs[i]), let py = y.clampedPixel(ys[i]) else { continue }
            if let e = errors?[i], e.isFinite, e > 0, let lo = y.clampedPixel(ys[i] - e) ?? Optional(y.pixelLower), let hi = y.clampedPixel(ys[i] + e) {
                bars += "M\(n(px)) \(n(lo))V\(n(hi))"
            }
            switch style.shape {
            case .circle, .openCircle:
                shapes += "M\(n(px - r)) \(n(py))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0Z"
            case .square:
                shapes += "M\(n(px - r)) \(n(py - r))h\(n(2 * r))v\(n(2 * r))h\(n(-2 * r))Z"
            case .diamond:
                shapes += "M\(n(px)) \(n(py - r))l\(n(r)) \(n(r))l\(n(-r)) \(n(r))l\(n(-r)) \(n(-r))Z"
            case .cross:
                shapes += "M\(n(px - r)) \(n(py - r))l\(n(2 * r)) \(n(2 * r))M\(n(px - r)) \(n(py + r))l\(n(2 * r)) \(n(-2 * r))"
            case .plus:
                shapes += "M\(n(px - r)) \(n(py))h\(n(2 * r))M\(n(px)) \(n(py - r))v\(n(2 * r))"
            }
        }
        let color = style.color.hexString
        if !bars.isEmpty { svg.element("path", [("d", bars), ("stroke", color), ("stroke-width", "1"), ("fill", "none")]) }
        guard !shapes.isEmpty else { return }
        switch style.shape {
        case .circle, .square, .diamond:
            svg.element("path", [("d", shapes), ("fill", color), ("stroke", "none")])
        case .openCircle:
            svg.element("path", [("d", shapes), ("fill", "#ffffff"), ("stroke", color), ("stroke-width", "1.2")])
        case .cross, .plus:
            svg.element("path", [("d", shapes), ("fill", "none"), ("stroke", color), ("stroke-width", "1.5")])
        }
    }

    func drawHeatmap(_ xEdges: [Double], _ yEdges: [Double], _ values: [Double], _ scale: ColorScale, into svg: inout SVGWriter) {
        let range = Panel(elements: [PlotElement(label: nil, kind: .heatmap(xEdges: xEdges, yEdges: yEdges, values: values, scale: scale))]).colorScale?.range ?? 0...1
        let nx = xEdges.count - 1
        // Cells grouped by colour: one path per colour keeps the SVG small.
        var byColor = [PlotColor: String]()
        var order = [PlotColor]()
        for j in 0..<(yEdges.count - 1) {
            guard let y0 = y.clampedPixel(yEdges[j]), let y1 = y.clampedPixel(yEdges[j + 1]) else { continue }
            for i in 0..<nx {
                let v = values[j * nx + i]
                let color: PlotColor
                if v.isNaN || v == -.infinity { continue }
                if v == .infinity { color = scale.overflowColor } else {
                    color = scale.map.color(at: (v - range.lowerBound) / (range.upperBound - range.lowerBound))
                }
                guard let x0 = x.clampedPixel(xEdges[i]), let x1 = x.clampedPixel(xEdges[i + 1]) else { continue }
                if byColor[color] == nil { order.append(color) }
                byColor[color, default: ""] += "M\(n(x0)) \(n(y1))H\(n(x1))V\(n(y0))H\(n(x0))Z"
            }
        }
        for color in order {
            svg.element("path", [("d", byColor[color] ?? ""), ("fill", color.hexString), ("stroke", color.hexString),
                                 ("stroke-width", "0.3"), ("shape-rendering", "crispEdges")])
        }
    }
}
