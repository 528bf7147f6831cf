/// Builds SVG text: elements with escaped attributes, numbers with at most two decimals.
struct SVGWriter {
    private(set) var text = ""

    init() { text.reserveCapacity(1 << 16) }

    /// Appends raw markup.
    mutating func raw(_ markup: String) { text += markup }

    /// Appends `<name a="v" …/>` (or with `content` between tags, escaped).
    mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(SVGWriter.escape(value))\"" }
        if let content {
            text += ">" + SVGWriter.escape(content) + "</\(name)>\n"
        } else {
            text += "/>\n"
        }
    }

    /// Opens `<name …>`; close it with `close(name)`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(SVGWriter.escape(value))\"" }
        text += ">\n"
    }

    mutating func close(_ name: String) { text += "</\(name)>\n" }

    /// Text with &, <, >, " and ' escaped for XML.
    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals ("12.5", "-3", "0.07").
    static func number(_ v: Double) -> String {
        var s = formatFixed(v, decimals: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// Stroke attributes of a line style.
    static func stroke(_ style: LineStyle) -> [(String, String)] {
        var a: [(String, String)] = [("fill", "none"), ("stroke", style.color.hexString), ("stroke-width", number(style.width))]
        if !style.dash.isEmpty { a.append(("stroke-dasharray", style.dash.map(number).joined(separator: " "))) }
        return a
    }
}

/// Sizes of the parts of a figure in pixels, and where the panels of a cell go.
enum FigureLayout {
    static let figureTitleHeight = 30.0
    static let marginLeft = 66.0, marginRight = 18.0, marginBottom = 44.0
    static let marginTopTitled = 26.0, marginTopPlain = 12.0
    static let colorBarSpace = 78.0
    static let fontFamily = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
    static let tickFontSize = 11.0, labelFontSize = 12.5, titleFontSize = 13.0, legendFontSize = 11.0
    static let majorTick = 6.0, minorTick = 3.0

    /// The plot areas (x, y, width, height) of a cell's stacked panels, top to bottom.
    static func panelRects(cell: FigureCell, x: Double, y: Double, width: Double, height: Double) -> [(Double, Double, Double, Double)] {
        guard !cell.panels.isEmpty else { return [] }
        let top = y + (cell.panels[0].title == nil ? marginTopPlain : marginTopTitled)
        let hasBar = cell.panels.contains { $0.colorScale != nil }
        let left = x + marginLeft
        let plotWidth = max(10, width - marginLeft - marginRight - (hasBar ? colorBarSpace : 0))
        let plotHeight = max(10, height - (top - y) - marginBottom)
        let total = cell.heightRatios.reduce(0, +)
        var rects = [(Double, Double, Double, Double)]()
        var cursor = top
        for ratio in cell.heightRatios {
            let h = plotHeight * ratio / total
            rects.append((left, cursor, plotWidth, h))
            cursor += h
        }
        return rects
    }

    /// A rough width of `text` in pixels at `size` (for placing legends).
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.56 }
}
