/// One cell of a figure's grid: a panel, or panels stacked on a shared x axis (a main panel with
/// ratio panels below it), or nothing.
public struct FigureCell: Equatable, Sendable {
    /// Top to bottom; empty for an empty cell.
    public var panels: [Panel]
    /// The panels' relative heights, one per panel.
    public var heightRatios: [Double]

    /// A cell with one panel.
    public init(_ panel: Panel) {
        panels = [panel]
        heightRatios = [1]
    }

    /// Panels stacked top to bottom sharing the x axis; only the bottom one shows x tick labels
    /// and the x title. `heightRatios` has one positive value per panel (e.g. [3, 1]).
    public init(stacked panels: [Panel], heightRatios: [Double]) throws {
        guard heightRatios.count == panels.count, heightRatios.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw PlotError.invalidHeightRatios(panels: panels.count, ratios: heightRatios)
        }
        self.panels = panels
        self.heightRatios = heightRatios
    }

    /// An empty cell.
    public static let empty = FigureCell(panels: [], heightRatios: [])

    init(panels: [Panel], heightRatios: [Double]) {
        self.panels = panels
        self.heightRatios = heightRatios
    }
}

/// A figure: a grid of cells filled row by row, rendered as SVG.
///
/// ```swift
/// var figure = Figure(columns: 2)
/// figure.add(Panel(title: "x0", xAxis: Axis(label: "x0", unit: "GeV"), yAxis: Axis(label: "events"),
///                  elements: [try .stepHistogram(edges: edges, values: counts, errors: errors, label: "data")]))
/// let svg = figure.svg
/// ```
public struct Figure: Equatable, Sendable {
    /// Cells per row (at least 1).
    public var columns: Int
    /// The cells, row by row.
    public var cells: [FigureCell]
    /// The size of one cell in pixels.
    public var cellWidth: Double, cellHeight: Double
    /// A title above the whole grid.
    public var title: String?
    /// A prefix for the SVG's element ids (clip paths): give each figure of one HTML page its own.
    public var identifier: String

    /// An empty figure; `columns` below 1 counts as 1.
    public init(columns: Int = 1, cellWidth: Double = 360, cellHeight: Double = 280, title: String? = nil, identifier: String = "figure") {
        self.columns = max(1, columns)
        self.cells = []
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.title = title
        self.identifier = identifier
    }

    /// Adds a cell with one panel.
    public mutating func add(_ panel: Panel) { cells.append(FigureCell(panel)) }

    /// Adds a cell.
    public mutating func add(_ cell: FigureCell) { cells.append(cell) }

    /// The number of rows of the grid.
    public var rows: Int { (cells.count + columns - 1) / columns }

    /// The whole figure's width and height in pixels.
    public var size: (width: Double, height: Double) {
        (Double(columns) * cellWidth, Double(max(1, rows)) * cellHeight + (title == nil ? 0 : FigureLayout.figureTitleHeight))
    }

    /// The figure as a standalone SVG document (`<svg>` element with width, height and viewBox).
    public var svg: String { FigureRenderer(figure: self).render() }
}
