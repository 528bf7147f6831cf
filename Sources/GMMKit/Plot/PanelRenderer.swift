/// Draws one panel: its elements (clipped to the plot area), the axes box with inward ticks on
/// all sides, tick labels, axis titles, the title, the legend and a colour bar.
struct PanelRenderer {
    var panel: Panel
    /// The plot area: x, y, width, height in pixels.
    var rect: (Double, Double, Double, Double)
    var clipID: String
    var showXLabels: Bool
    var showTitle: Bool
    /// The x range, when shared with the other panels of a stack.
    var xRange: ClosedRange<Double>?
    /// Leave out a y tick label at the top edge (a panel stacked under another, whose bottom
    /// label would collide with it).
    var trimTopLabel = false

    init(panel: Panel, rect: (Double, Double, Double, Double), clipID: String, showXLabels: Bool, showTitle: Bool) {
        self.panel = panel
        self.rect = rect
        self.clipID = clipID
        self.showXLabels = showXLabels
        self.showTitle = showTitle
    }

    /// The axis maps of this panel.
    func mappings() -> (x: AxisMapping, y: AxisMapping) {
        let ranges = panel.ranges()
        let xr = xRange ?? ranges.x
        let (left, top, width, height) = rect
        let x = AxisMapping(lower: xr.lowerBound, upper: xr.upperBound, pixelLower: left, pixelUpper: left + width,
                            scale: panel.xAxis.scale, tickTarget: panel.xAxis.tickTarget)
        let targetY = height < 110 ? min(3, panel.yAxis.tickTarget) : panel.yAxis.tickTarget
        let y = AxisMapping(lower: ranges.y.lowerBound, upper: ranges.y.upperBound, pixelLower: top + height, pixelUpper: top,
                            scale: panel.yAxis.scale, tickTarget: targetY)
        return (x, y)
    }

    func draw(into svg: inout SVGWriter) {
        let (left, top, width, height) = rect
        let (xMap, yMap) = mappings()
        let n = SVGWriter.number
        svg.open("defs")
        svg.open("clipPath", [("id", clipID)])
        svg.element("rect", [("x", n(left)), ("y", n(top)), ("width", n(width)), ("height", n(height))])
        svg.close("clipPath")
        svg.close("defs")
        svg.open("g", [("clip-path", "url(#\(clipID))")])
        var drawer = ElementDrawer(x: xMap, y: yMap)
        for element in panel.elements { drawer.draw(element, into: &svg) }
        svg.close("g")
        drawAxes(xMap, yMap, into: &svg)
        if showTitle, let title = panel.title {
            svg.element("text", [("x", n(left + width / 2)), ("y", n(top - 8)), ("text-anchor", "middle"),
                                 ("font-size", n(FigureLayout.titleFontSize))], content: title)
        }
        LegendDrawer(entries: panel.elements.filter { $0.label != nil }, placement: panel.legend, rect: rect).draw(into: &svg)
        if let scale = panel.colorScale { ColorBarDrawer(scale: scale, rect: rect).draw(into: &svg) }
    }

    func drawAxes(_ xMap: AxisMapping, _ yMap: AxisMapping, into svg: inout SVGWriter) {
        let (left, top, width, height) = rect
        let bottom = top + height, right = left + width
        let n = SVGWriter.number
        var ticks = ""
        func inside(_ p: Double, _ lo: Double, _ hi: Double) -> Bool { p >= lo - 0.01 && p <= hi + 0.01 }
        for (values, length) in [(xMap.ticks.values, FigureLayout.majorTick), (xMap.ticks.minor, FigureLayout.minorTick)] {
            for v in values {
                guard let p = xMap.pixel(v), inside(p, left, right) else { continue }
                ticks += "M\(n(p)) \(n(bottom))v\(n(-length))M\(n(p)) \(n(top))v\(n(length))"
            }
        }
        for (values, length) in [(yMap.ticks.values, FigureLayout.majorTick), (yMap.ticks.minor, FigureLayout.minorTick)] {
            for v in values {
                guard let p = yMap.pixel(v), inside(p, top, bottom) else { continue }
                ticks += "M\(n(left)) \(n(p))h\(n(length))M\(n(right)) \(n(p))h\(n(-length))"
            }
        }
        if !ticks.isEmpty { svg.element("path", [("d", ticks), ("stroke", "#000000"), ("stroke-width", "0.8"), ("fill", "none")]) }
        svg.element("rect", [("x", n(left)), ("y", n(top)), ("width", n(width)), ("height", n(height)),
                             ("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1")])
        if showXLabels {
            for (v, label) in zip(xMap.ticks.values, xMap.ticks.labels) {
                guard let p = xMap.pixel(v), inside(p, left, right) else { continue }
                svg.element("text", [("x", n(p)), ("y", n(bottom + 15)), ("text-anchor", "middle")], content: label)
            }
            if !panel.xAxis.title.isEmpty {
                svg.element("text", [("x", n(right)), ("y", n(bottom + 34)), ("text-anchor", "end"),
                                     ("font-size", n(FigureLayout.labelFontSize))], content: panel.xAxis.title)
            }
        }
        for (v, label) in zip(yMap.ticks.values, yMap.ticks.labels) {
            guard let p = yMap.pixel(v), inside(p, top, bottom), !(trimTopLabel && p < top + 6) else { continue }
            svg.element("text", [("x", n(left - 4)), ("y", n(p + 4)), ("text-anchor", "end")], content: label)
        }
        if !panel.yAxis.title.isEmpty {
            let x = left - 50, y = top
            svg.element("text", [("x", n(x)), ("y", n(y)), ("text-anchor", "end"), ("font-size", n(FigureLayout.labelFontSize)),
                                 ("transform", "rotate(-90 \(n(x)) \(n(y)))")], content: panel.yAxis.title)
        }
    }
}
