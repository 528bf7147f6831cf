/// Draws a panel's legend: one row per labelled element with a sample of its style.
struct LegendDrawer {
    var entries: [PlotElement]
    var placement: LegendPlacement
    /// The plot area: x, y, width, height.
    var rect: (Double, Double, Double, Double)

    func draw(into svg: inout SVGWriter) {
        guard placement != .none, !entries.isEmpty else { return }
        let n = SVGWriter.number
        let size = FigureLayout.legendFontSize, rowHeight = size + 4, sample = 22.0, pad = 5.0
        let textWidth = entries.map { FigureLayout.textWidth($0.label ?? "", size: size) }.max() ?? 0
        let boxWidth = pad * 2 + sample + 5 + textWidth, boxHeight = pad * 2 + rowHeight * Double(entries.count)
        let (left, top, width, height) = rect
        let inset = 8.0
        let x0: Double, y0: Double
        switch placement {
        case .upperLeft: x0 = left + inset; y0 = top + inset
        case .lowerRight: x0 = left + width - inset - boxWidth; y0 = top + height - inset - boxHeight
        case .lowerLeft: x0 = left + inset; y0 = top + height - inset - boxHeight
        default: x0 = left + width - inset - boxWidth; y0 = top + inset
        }
        svg.element("rect", [("x", n(x0)), ("y", n(y0)), ("width", n(boxWidth)), ("height", n(boxHeight)),
                             ("fill", "#ffffff"), ("fill-opacity", "0.85"), ("stroke", "none")])
        for (k, entry) in entries.enumerated() {
            let cy = y0 + pad + rowHeight * (Double(k) + 0.5)
            let sx = x0 + pad
            switch entry.kind {
            case let .line(_, _, style), let .horizontalLine(_, style), let .verticalLine(_, style):
                svg.element("path", [("d", "M\(n(sx)) \(n(cy))h\(n(sample))")] + SVGWriter.stroke(style))
            case let .stepHistogram(_, _, _, style, band):
                if let band {
                    svg.element("rect", [("x", n(sx)), ("y", n(cy - 5)), ("width", n(sample)), ("height", "10"),
                                         ("fill", band.color.hexString), ("fill-opacity", n(band.opacity))])
                }
                svg.element("path", [("d", "M\(n(sx)) \(n(cy))h\(n(sample))")] + SVGWriter.stroke(style))
            case let .markers(_, _, _, style):
                var drawer = ElementDrawer(x: AxisMapping(lower: 0, upper: 1, pixelLower: sx, pixelUpper: sx + sample, scale: .linear),
                                           y: AxisMapping(lower: 0, upper: 1, pixelLower: cy, pixelUpper: cy - 1, scale: .linear))
                drawer.draw(PlotElement(label: nil, kind: .markers(x: [0.5], y: [0], yErrors: nil, style: style)), into: &svg)
            case let .polyline(_, _, style, fill):
                if let fill {
                    svg.element("rect", [("x", n(sx)), ("y", n(cy - 5)), ("width", n(sample)), ("height", "10"),
                                         ("fill", fill.color.hexString), ("fill-opacity", n(fill.opacity))])
                }
                if let style { svg.element("path", [("d", "M\(n(sx)) \(n(cy))h\(n(sample))")] + SVGWriter.stroke(style)) }
            case let .band(_, _, _, fill):
                svg.element("rect", [("x", n(sx)), ("y", n(cy - 5)), ("width", n(sample)), ("height", "10"),
                                     ("fill", fill.color.hexString), ("fill-opacity", n(fill.opacity))])
            case .heatmap, .text:
                break
            }
            svg.element("text", [("x", n(sx + sample + 5)), ("y", n(cy + 4)), ("font-size", n(size))], content: entry.label ?? "")
        }
    }
}
