/// Draws a vertical colour bar to the right of a plot area, with ticks and the scale's label.
struct ColorBarDrawer {
    var scale: ColorScale
    /// The plot area: x, y, width, height.
    var rect: (Double, Double, Double, Double)

    func draw(into svg: inout SVGWriter) {
        let n = SVGWriter.number
        let (left, top, width, height) = rect
        let range = scale.range ?? 0...1
        let x0 = left + width + 10, barWidth = 12.0
        let steps = 64
        var y = top + height
        let dy = height / Double(steps)
        for k in 0..<steps {
            let color = scale.map.color(at: (Double(k) + 0.5) / Double(steps))
            svg.element("rect", [("x", n(x0)), ("y", n(y - dy - 0.3)), ("width", n(barWidth)), ("height", n(dy + 0.6)),
                                 ("fill", color.hexString), ("stroke", "none")])
            y -= dy
        }
        svg.element("rect", [("x", n(x0)), ("y", n(top)), ("width", n(barWidth)), ("height", n(height)),
                             ("fill", "none"), ("stroke", "#000000"), ("stroke-width", "0.8")])
        let map = AxisMapping(lower: range.lowerBound, upper: range.upperBound, pixelLower: top + height, pixelUpper: top,
                              scale: .linear, tickTarget: height < 120 ? 3 : 5)
        var ticks = ""
        for (v, label) in zip(map.ticks.values, map.ticks.labels) {
            guard let p = map.pixel(v) else { continue }
            ticks += "M\(n(x0 + barWidth)) \(n(p))h-4"
            svg.element("text", [("x", n(x0 + barWidth + 3)), ("y", n(p + 4))], content: label)
        }
        if !ticks.isEmpty { svg.element("path", [("d", ticks), ("stroke", "#000000"), ("stroke-width", "0.8")]) }
        if !scale.label.isEmpty {
            let lx = x0 + barWidth + 52, ly = top
            svg.element("text", [("x", n(lx)), ("y", n(ly)), ("text-anchor", "end"), ("font-size", n(FigureLayout.labelFontSize)),
                                 ("transform", "rotate(-90 \(n(lx)) \(n(ly)))")], content: scale.label)
        }
    }
}
