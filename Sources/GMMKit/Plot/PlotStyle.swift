/// How a line is stroked.
public struct LineStyle: Equatable, Sendable {
    /// The stroke colour.
    public var color: PlotColor
    /// Stroke width in pixels.
    public var width: Double
    /// Dash pattern in pixels (empty: solid).
    public var dash: [Double]

    /// A line style (default: solid black, 1.5 px).
    public init(color: PlotColor = .black, width: Double = 1.5, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }

    /// A dashed line.
    public static func dashed(_ color: PlotColor = .black, width: Double = 1.5) -> LineStyle {
        LineStyle(color: color, width: width, dash: [5, 3])
    }

    /// Dash patterns that tell lines of one colour apart (solid, dashed, dotted, dash-dot), in
    /// order: the first for the first confidence level, and so on.
    public static let dashPatterns: [[Double]] = [[], [6, 4], [2, 3], [8, 3, 2, 3]]

    /// A dotted line.
    public static func dotted(_ color: PlotColor = .black, width: Double = 1.5) -> LineStyle {
        LineStyle(color: color, width: width, dash: [1.5, 2.5])
    }
}

/// How an area is filled.
public struct FillStyle: Equatable, Sendable {
    /// The fill colour.
    public var color: PlotColor
    /// Opacity in 0...1.
    public var opacity: Double

    /// A fill style.
    public init(color: PlotColor, opacity: Double = 0.3) {
        self.color = color
        self.opacity = opacity
    }
}

/// The shape of a marker.
public enum MarkerShape: String, Equatable, Sendable {
    case circle, openCircle, square, cross, plus, diamond
}

/// How markers are drawn.
public struct MarkerStyle: Equatable, Sendable {
    /// The marker's shape.
    public var shape: MarkerShape
    /// The marker's colour.
    public var color: PlotColor
    /// Marker size (diameter) in pixels.
    public var size: Double

    /// A marker style.
    public init(shape: MarkerShape = .circle, color: PlotColor = .black, size: Double = 6) {
        self.shape = shape
        self.color = color
        self.size = size
    }
}

/// A colour scale of a heatmap: the map, the value range it spans, and the colour bar label.
public struct ColorScale: Equatable, Sendable {
    /// The colour map.
    public var map: ColorMap
    /// The values at the two ends of the map; nil takes the data's finite minimum and maximum.
    public var range: ClosedRange<Double>?
    /// The colour bar's label (with its unit).
    public var label: String
    /// The colour of cells whose value is +infinity (e.g. "model has events where data has
    /// none"); NaN cells are left empty (white).
    public var overflowColor: PlotColor

    /// A colour scale; see the properties.
    public init(map: ColorMap = .viridis, range: ClosedRange<Double>? = nil, label: String = "", overflowColor: PlotColor = .black) {
        self.map = map
        self.range = range
        self.label = label
        self.overflowColor = overflowColor
    }
}
