/// Draws a `Figure` as SVG: the grid of cells, each a stack of panels.
struct FigureRenderer {
    var figure: Figure

    func render() -> String {
        let (width, height) = figure.size
        var svg = SVGWriter()
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", SVGWriter.number(width)), ("height", SVGWriter.number(height)),
                         ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"),
                         ("font-family", FigureLayout.fontFamily), ("font-size", SVGWriter.number(FigureLayout.tickFontSize))])
        svg.element("rect", [("x", "0"), ("y", "0"), ("width", SVGWriter.number(width)), ("height", SVGWriter.number(height)), ("fill", "#ffffff")])
        var top = 0.0
        if let title = figure.title {
            svg.element("text", [("x", SVGWriter.number(width / 2)), ("y", "20"), ("text-anchor", "middle"),
                                 ("font-size", "15"), ("font-weight", "bold")], content: title)
            top = FigureLayout.figureTitleHeight
        }
        var panelIndex = 0
        for (index, cell) in figure.cells.enumerated() {
            let x = Double(index % figure.columns) * figure.cellWidth
            let y = top + Double(index / figure.columns) * figure.cellHeight
            let rects = FigureLayout.panelRects(cell: cell, x: x, y: y, width: figure.cellWidth, height: figure.cellHeight)
            // Stacked panels share the bottom panel's x range unless they fix their own.
            let sharedX = cell.panels.last.map { $0.ranges().x }
            for (k, panel) in cell.panels.enumerated() {
                var renderer = PanelRenderer(panel: panel, rect: rects[k], clipID: "\(figure.identifier)-clip\(panelIndex)",
                                             showXLabels: k == cell.panels.count - 1, showTitle: k == 0)
                if cell.panels.count > 1, panel.xAxis.limits == nil, let sharedX { renderer.xRange = sharedX }
                renderer.trimTopLabel = k > 0
                renderer.draw(into: &svg)
                panelIndex += 1
            }
        }
        svg.close("svg")
        return svg.text
    }
}
