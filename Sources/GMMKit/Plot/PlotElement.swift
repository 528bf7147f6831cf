/// One thing drawn in a panel: a line, a histogram, markers, a heatmap, a polyline or a filled
/// region. Build elements with the static functions, which check that the inputs fit together.
///
/// Non-finite values are handled, not rejected: a line breaks at a non-finite point, a marker,
/// histogram bin or band segment with a non-finite value is left out, and a heatmap cell with NaN
/// stays empty (white) while +infinity takes the colour scale's overflow colour.
public struct PlotElement: Equatable, Sendable {
    /// The legend text; nil keeps the element out of the legend.
    public var label: String?
    /// What is drawn.
    public var kind: Kind

    /// The drawn content.
    public enum Kind: Equatable, Sendable {
        /// A polyline through (x[i], y[i]).
        case line(x: [Double], y: [Double], style: LineStyle)
        /// A step histogram: `values[i]` over [edges[i], edges[i+1]]; `errors[i]` draws a band
        /// value ± error per bin.
        case stepHistogram(edges: [Double], values: [Double], errors: [Double]?, style: LineStyle, band: FillStyle?)
        /// Markers at (x[i], y[i]), with vertical error bars ±yErrors[i].
        case markers(x: [Double], y: [Double], yErrors: [Double]?, style: MarkerStyle)
        /// Cells over xEdges × yEdges: `values[j * (xEdges.count - 1) + i]` is the cell of x bin
        /// i and y bin j.
        case heatmap(xEdges: [Double], yEdges: [Double], values: [Double], scale: ColorScale)
        /// A polyline through `points` ([x, y] each), closed back to the start if `closed`, and
        /// filled if `fill` is given.
        case polyline(points: [[Double]], closed: Bool, style: LineStyle?, fill: FillStyle?)
        /// The region between `lower` and `upper` over `x`.
        case band(x: [Double], lower: [Double], upper: [Double], fill: FillStyle)
        /// A horizontal line across the panel at y.
        case horizontalLine(y: Double, style: LineStyle)
        /// A vertical line across the panel at x.
        case verticalLine(x: Double, style: LineStyle)
        /// Text at a data position.
        case text(String, x: Double, y: Double, color: PlotColor)
    }

    /// A line through (x[i], y[i]), [N] each.
    public static func line(x: [Double], y: [Double], label: String? = nil, style: LineStyle = LineStyle()) throws -> PlotElement {
        try checkLength("line", "y", y.count, x.count)
        return PlotElement(label: label, kind: .line(x: x, y: y, style: style))
    }

    /// A step histogram over `edges` ([B + 1]) with `values` ([B]) and optional statistical
    /// `errors` ([B]) drawn as a band of `band` (default: the line colour, translucent).
    public static func stepHistogram(edges: [Double], values: [Double], errors: [Double]? = nil, label: String? = nil,
                                     style: LineStyle = LineStyle(), band: FillStyle? = nil) throws -> PlotElement {
        try checkEdges("step histogram", "edges", edges)
        try checkLength("step histogram", "values", values.count, edges.count - 1)
        if let errors { try checkLength("step histogram", "errors", errors.count, edges.count - 1) }
        let fill = errors == nil ? nil : (band ?? FillStyle(color: style.color, opacity: 0.25))
        return PlotElement(label: label, kind: .stepHistogram(edges: edges, values: values, errors: errors, style: style, band: fill))
    }

    /// Markers at (x[i], y[i]) ([N] each) with optional vertical error bars ([N]).
    public static func markers(x: [Double], y: [Double], yErrors: [Double]? = nil, label: String? = nil,
                               style: MarkerStyle = MarkerStyle()) throws -> PlotElement {
        try checkLength("markers", "y", y.count, x.count)
        if let yErrors { try checkLength("markers", "yErrors", yErrors.count, x.count) }
        return PlotElement(label: label, kind: .markers(x: x, y: y, yErrors: yErrors, style: style))
    }

    /// A scatter plot: markers without error bars, from points [[x, y]].
    public static func scatter(_ points: [[Double]], label: String? = nil, style: MarkerStyle = MarkerStyle(size: 4)) throws -> PlotElement {
        for (i, p) in points.enumerated() where p.count != 2 { throw PlotError.pointDimension(element: "scatter", index: i, got: p.count) }
        return try markers(x: points.map { $0[0] }, y: points.map { $0[1] }, label: label, style: style)
    }

    /// A 2-D heatmap: `values` is [yEdges.count - 1, xEdges.count - 1] row-major (y bins are
    /// rows). The panel draws a colour bar for it.
    public static func heatmap(xEdges: [Double], yEdges: [Double], values: [Double], scale: ColorScale = ColorScale()) throws -> PlotElement {
        try checkEdges("heatmap", "xEdges", xEdges)
        try checkEdges("heatmap", "yEdges", yEdges)
        try checkLength("heatmap", "values", values.count, (xEdges.count - 1) * (yEdges.count - 1))
        return PlotElement(label: nil, kind: .heatmap(xEdges: xEdges, yEdges: yEdges, values: values, scale: scale))
    }

    /// A polyline (a contour) through `points`, each [x, y]; `closed` joins the last point to
    /// the first; `fill` fills the enclosed region. A non-finite point breaks the line.
    public static func polyline(_ points: [[Double]], closed: Bool = false, label: String? = nil,
                                style: LineStyle? = LineStyle(), fill: FillStyle? = nil) throws -> PlotElement {
        for (i, p) in points.enumerated() where p.count != 2 { throw PlotError.pointDimension(element: "polyline", index: i, got: p.count) }
        return PlotElement(label: label, kind: .polyline(points: points, closed: closed, style: style, fill: fill))
    }

    /// A filled region between `lower` and `upper` over `x` ([N] each).
    public static func band(x: [Double], lower: [Double], upper: [Double], label: String? = nil,
                            fill: FillStyle = FillStyle(color: .grey, opacity: 0.35)) throws -> PlotElement {
        try checkLength("band", "lower", lower.count, x.count)
        try checkLength("band", "upper", upper.count, x.count)
        return PlotElement(label: label, kind: .band(x: x, lower: lower, upper: upper, fill: fill))
    }

    /// A horizontal reference line at `y` (e.g. a ratio of 1).
    public static func horizontalLine(y: Double, label: String? = nil, style: LineStyle = LineStyle(color: .grey, width: 1, dash: [4, 3])) -> PlotElement {
        PlotElement(label: label, kind: .horizontalLine(y: y, style: style))
    }

    /// A vertical reference line at `x`.
    public static func verticalLine(x: Double, label: String? = nil, style: LineStyle = LineStyle(color: .grey, width: 1, dash: [4, 3])) -> PlotElement {
        PlotElement(label: label, kind: .verticalLine(x: x, style: style))
    }

    /// Text whose left end sits at the data position (x, y).
    public static func text(_ text: String, x: Double, y: Double, color: PlotColor = .black) -> PlotElement {
        PlotElement(label: nil, kind: .text(text, x: x, y: y, color: color))
    }

    static func checkLength(_ element: String, _ field: String, _ got: Int, _ expected: Int) throws {
        guard got == expected else { throw PlotError.lengthMismatch(element: element, field: field, expected: expected, got: got) }
    }

    static func checkEdges(_ element: String, _ field: String, _ edges: [Double]) throws {
        guard edges.count >= 2 else { throw PlotError.invalidEdges(element: element, field: field, reason: "got \(edges.count)") }
        if let bad = edges.firstIndex(where: { !$0.isFinite }) {
            throw PlotError.invalidEdges(element: element, field: field, reason: "edge \(bad) is \(edges[bad])")
        }
        for i in 1..<edges.count where !(edges[i] > edges[i - 1]) {
            throw PlotError.invalidEdges(element: element, field: field, reason: "edge \(i) (\(edges[i])) is not above edge \(i - 1) (\(edges[i - 1]))")
        }
    }
}
