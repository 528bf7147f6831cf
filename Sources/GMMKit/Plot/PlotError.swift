/// Why a plot element could not be built: the inputs' shapes do not fit together.
public enum PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Two arrays that must have equal lengths do not (`element` names the plot element).
    case lengthMismatch(element: String, field: String, expected: Int, got: Int)
    /// Bin edges must be finite and strictly increasing, at least two of them.
    case invalidEdges(element: String, field: String, reason: String)
    /// A point of a polyline does not have exactly two coordinates [x, y].
    case pointDimension(element: String, index: Int, got: Int)
    /// Stacked panels need one positive, finite height ratio per panel.
    case invalidHeightRatios(panels: Int, ratios: [Double])

    /// The message: which element and field, what was expected and what was got.
    public var description: String {
        switch self {
        case let .lengthMismatch(element, field, expected, got):
            return "plot \(element): \(field) has \(got) values, expected \(expected)"
        case let .invalidEdges(element, field, reason):
            return "plot \(element): \(field) must be at least two finite, strictly increasing bin edges; \(reason)"
        case let .pointDimension(element, index, got):
            return "plot \(element): point \(index) has \(got) coordinates, expected 2 ([x, y])"
        case let .invalidHeightRatios(panels, ratios):
            return "plot stack: \(panels) panels need \(panels) positive finite height ratios, got \(ratios)"
        }
    }
}
