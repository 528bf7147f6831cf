import Testing
@testable import GMMKit

@Suite struct FigureTests {
    func sampleFigure() throws -> Figure {
        var figure = Figure(columns: 2, title: "A & B <test>", identifier: "t")
        let edges = (0...10).map { Double($0) * 0.1 }
        let counts: [Double] = [1, 4, 9, 16, 25, 25, 16, 9, 4, 1]
        let main = Panel(title: "x₀ spectrum", xAxis: Axis(label: "x0", unit: "GeV"), yAxis: Axis(label: "events"), elements: [
            try .stepHistogram(edges: edges, values: counts, errors: counts.map { $0.squareRoot() }, label: "data", style: LineStyle(color: Palette.vermillion)),
            try .line(x: edges, y: edges.map { 25 * $0 }, label: "model", style: .dashed()),
            try .markers(x: [0.25, 0.75], y: [10, 12], yErrors: [1, 2], label: "points"),
        ])
        let ratio = Panel(xAxis: Axis(label: "x0", unit: "GeV"), yAxis: Axis(label: "ratio", limits: 0.5...1.5), elements: [
            .horizontalLine(y: 1),
            try .band(x: edges, lower: edges.map { _ in 0.9 }, upper: edges.map { _ in 1.1 }, label: "stat."),
        ])
        figure.add(try FigureCell(stacked: [main, ratio], heightRatios: [3, 1]))
        var heat = Panel(title: "pull", xAxis: Axis(label: "a"), yAxis: Axis(label: "b"), legend: .upperLeft)
        heat.add(try .heatmap(xEdges: [0, 1, 2], yEdges: [0, 1, 2, 3], values: [-2, 0, .nan, 1, .infinity, 2],
                              scale: ColorScale(map: .blueWhiteRed, range: -3...3, label: "pull")))
        heat.add(try .polyline([[0.5, 0.5], [1.5, 0.5], [1.5, 2.5]], closed: true, label: "68% CL", style: LineStyle(color: Palette.blue)))
        heat.add(try .scatter([[1, 1]], label: "MLE", style: MarkerStyle(shape: .cross, color: Palette.orange)))
        figure.add(heat)
        return figure
    }

    @Test func svgIsWellFormedXMLWithTheExpectedParts() throws {
        let svg = try sampleFigure().svg
        let xml = XMLCollector.parse(svg)
        #expect(xml.parseError == nil, "\(xml.parseError ?? "")")
        #expect(xml.elements.first?.name == "svg")
        #expect(xml.named("svg").first?["width"] == "720")
        #expect(xml.named("clipPath").count == 3)
        #expect(Set(xml.named("clipPath").compactMap { $0["id"] }).count == 3, "clip ids must be unique")
        for needle in ["A & B <test>", "x0 [GeV]", "events", "data", "model", "stat.", "68% CL", "MLE", "pull", "ratio"] {
            #expect(xml.text.contains(needle), "missing text \(needle)")
        }
        let colors = Set(xml.elements.flatMap { [$0.attributes["fill"], $0.attributes["stroke"]] }.compactMap { $0 })
        #expect(colors.contains(Palette.vermillion.hexString))
        #expect(colors.contains(Palette.blue.hexString))
        // The +infinity heatmap cell takes the overflow colour (black); the NaN cell is not drawn.
        let heatPaths = xml.named("path").filter { $0["shape-rendering"] == "crispEdges" }
        let closedCells: Int = heatPaths.map { (path) -> Int in (path["d"] ?? "").filter { $0 == "Z" }.count }.reduce(0, +)
        #expect(closedCells == 5)
        #expect(heatPaths.contains { $0["fill"] == "#000000" })
    }

    @Test func coordinatesMapLinearlyAndLogarithmically() {
        let map = AxisMapping(lower: -1, upper: 3, pixelLower: 100, pixelUpper: 500, scale: .linear)
        #expect(map.pixel(-1) == 100)
        #expect(map.pixel(3) == 500)
        #expect(map.pixel(1) == 300)
        #expect(map.pixel(.nan) == nil)
        let yMap = AxisMapping(lower: 0, upper: 10, pixelLower: 400, pixelUpper: 0, scale: .linear)
        #expect(yMap.pixel(2.5) == 300)
        let logMap = AxisMapping(lower: 1, upper: 1000, pixelLower: 0, pixelUpper: 300, scale: .log)
        #expect(abs(logMap.pixel(10)! - 100) < 1e-9)
        #expect(logMap.pixel(0) == nil)
        #expect(logMap.pixel(-5) == nil)
    }

    @Test func aMarkerLandsWhereTheAxesSayItShould() throws {
        var figure = Figure(columns: 1, cellWidth: 400, cellHeight: 300)
        figure.add(Panel(xAxis: Axis(limits: 0...10), yAxis: Axis(limits: 0...1), elements: [
            try .markers(x: [5], y: [0.5], style: MarkerStyle(shape: .square, color: Palette.blue, size: 4)),
        ]))
        let xml = XMLCollector.parse(figure.svg)
        #expect(xml.parseError == nil)
        let rect = FigureLayout.panelRects(cell: figure.cells[0], x: 0, y: 0, width: 400, height: 300)[0]
        let cx = rect.0 + rect.2 / 2, cy = rect.1 + rect.3 / 2
        let marker = try #require(xml.named("path").first { $0["fill"] == Palette.blue.hexString })
        // A square of size 4 starts 2 px left of and above its centre.
        #expect(marker["d"]?.hasPrefix("M\(SVGWriter.number(cx - 2)) \(SVGWriter.number(cy - 2))") == true, "\(marker["d"] ?? "")")
    }

    @Test func autoRangesFitTheData() throws {
        let histogram = Panel(elements: [try .stepHistogram(edges: [2, 3, 4], values: [5, 10])])
        let ranges = histogram.ranges()
        #expect(ranges.x == 2...4)  // bin edges are exact
        #expect(ranges.y.lowerBound == 0)  // counts start at zero
        #expect(ranges.y.upperBound > 10 && ranges.y.upperBound < 11)
        let line = Panel(elements: [try .line(x: [0, 1, .nan], y: [-1, 1, 100])])
        #expect(line.ranges().y.upperBound < 2)  // the NaN point is ignored with its y
    }

    @Test func nonFiniteValuesBreakLinesAndEmptyPanelsStillRender() throws {
        var figure = Figure()
        figure.add(Panel(elements: [try .line(x: [0, 1, 2, 3, 4], y: [0, 1, .nan, 3, 4])]))
        figure.add(Panel(title: "empty"))
        figure.add(Panel(elements: [try .line(x: [], y: [])]))
        figure.add(.empty)
        let xml = XMLCollector.parse(figure.svg)
        #expect(xml.parseError == nil)
        let line = try #require(xml.named("path").first { $0["stroke-linejoin"] == "round" })
        #expect(line["d"]?.filter { $0 == "M" }.count == 2, "the NaN point splits the line in two: \(line["d"] ?? "")")
        #expect(!(line["d"] ?? "").contains("nan"))
        #expect(!figure.svg.contains("nan") && !figure.svg.contains("inf"))
    }

    @Test func mismatchedInputsGiveClearErrors() {
        #expect(throws: PlotError.lengthMismatch(element: "line", field: "y", expected: 3, got: 2)) { try PlotElement.line(x: [1, 2, 3], y: [1, 2]) }
        #expect(throws: PlotError.self) { try PlotElement.stepHistogram(edges: [0, 1], values: [1, 2]) }
        #expect(throws: PlotError.self) { try PlotElement.stepHistogram(edges: [0, 2, 1], values: [1, 2]) }
        #expect(throws: PlotError.self) { try PlotElement.heatmap(xEdges: [0, .nan], yEdges: [0, 1], values: [1]) }
        #expect(throws: PlotError.pointDimension(element: "polyline", index: 1, got: 3)) { try PlotElement.polyline([[0, 0], [1, 2, 3]]) }
        #expect(throws: PlotError.self) { try FigureCell(stacked: [Panel(), Panel()], heightRatios: [1]) }
        #expect(throws: PlotError.self) { try FigureCell(stacked: [Panel()], heightRatios: [0]) }
        let message = PlotError.lengthMismatch(element: "line", field: "y", expected: 3, got: 2).description
        #expect(message.contains("y") && message.contains("3") && message.contains("2"))
    }

    @Test func colorMapsInterpolateBetweenAnchors() {
        #expect(ColorMap.viridis.color(at: 0) == PlotColor(hex: 0x440154))
        #expect(ColorMap.viridis.color(at: 1) == PlotColor(hex: 0xFDE725))
        #expect(ColorMap.blueWhiteRed.color(at: 0.5) == PlotColor(hex: 0xF7F7F7))
        #expect(ColorMap.viridis.color(at: .nan) == ColorMap.viridis.color(at: 0))
        #expect(PlotColor(hex: 0xD55E00).hexString == "#d55e00")
    }
}
