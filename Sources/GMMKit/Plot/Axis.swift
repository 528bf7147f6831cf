#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Linear or logarithmic axis.
public enum AxisScale: Equatable, Sendable {
    case linear
    /// Base-10 logarithmic; values ≤ 0 are not drawn.
    case log
}

/// An axis of a panel: its label, unit, optional fixed limits and scale.
public struct Axis: Equatable, Sendable {
    /// What is plotted, e.g. "p_T".
    public var label: String
    /// The unit, shown as "label [unit]"; nil or empty for none.
    public var unit: String?
    /// Fixed limits; nil fits the data. A non-finite bound is fitted to the data on that side; a
    /// range of zero width is widened.
    public var limits: ClosedRange<Double>?
    /// Linear or logarithmic.
    public var scale: AxisScale
    /// About how many intervals between major ticks.
    public var tickTarget: Int

    /// An axis; see the properties.
    public init(label: String = "", unit: String? = nil, limits: ClosedRange<Double>? = nil, scale: AxisScale = .linear, tickTarget: Int = 5) {
        self.label = label
        self.unit = unit
        self.limits = limits
        self.scale = scale
        self.tickTarget = tickTarget
    }

    /// The label with its unit, e.g. "p_T [GeV]".
    public var title: String {
        guard let unit, !unit.isEmpty else { return label }
        return label.isEmpty ? "[\(unit)]" : "\(label) [\(unit)]"
    }
}

/// The fitted range of an axis, its ticks and the map from data values to pixels.
public struct AxisMapping: Equatable, Sendable {
    /// The data range shown.
    public var lower: Double, upper: Double
    /// The pixel positions of `lower` and `upper` (for a y axis, lower is the larger pixel).
    public var pixelLower: Double, pixelUpper: Double
    /// Linear or logarithmic.
    public var scale: AxisScale
    /// The major and minor ticks and their labels.
    public var ticks: NiceTicks

    /// Maps [lower, upper] onto [pixelLower, pixelUpper] and computes the ticks.
    public init(lower: Double, upper: Double, pixelLower: Double, pixelUpper: Double, scale: AxisScale, tickTarget: Int = 5) {
        self.lower = lower
        self.upper = upper
        self.pixelLower = pixelLower
        self.pixelUpper = pixelUpper
        self.scale = scale
        ticks = scale == .log ? NiceTicks.logarithmic(lower: lower, upper: upper) : NiceTicks.linear(lower: lower, upper: upper, target: tickTarget)
    }

    /// The pixel of data value `v` (nil when it cannot be drawn: non-finite, or ≤ 0 on a log
    /// axis). Values outside the range map outside the pixel range.
    public func pixel(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        let t: Double
        switch scale {
        case .linear: t = (v - lower) / (upper - lower)
        case .log:
            guard v > 0 else { return nil }
            t = (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return pixelLower + t * (pixelUpper - pixelLower)
    }

    /// `pixel(v)` limited to a little outside the drawn area, for shapes cut by the clip path.
    func clampedPixel(_ v: Double) -> Double? {
        guard let p = pixel(v) else { return nil }
        let lo = min(pixelLower, pixelUpper) - 1000, hi = max(pixelLower, pixelUpper) + 1000
        return min(hi, max(lo, p))
    }
}

/// The extent of a panel's data, from which the axes' ranges are fitted.
struct DataExtent {
    var xMin = Double.infinity, xMax = -Double.infinity
    var yMin = Double.infinity, yMax = -Double.infinity
    /// x bounds that are exact (bin edges): no padding on that side.
    var xTight = false
    /// A y value the axis must start at, if the data reach it (0 for histograms of counts).
    var yFloor: Double?

    mutating func addX(_ v: Double, scale: AxisScale) {
        guard v.isFinite, scale == .linear || v > 0 else { return }
        xMin = min(xMin, v)
        xMax = max(xMax, v)
    }

    mutating func addY(_ v: Double, scale: AxisScale) {
        guard v.isFinite, scale == .linear || v > 0 else { return }
        yMin = min(yMin, v)
        yMax = max(yMax, v)
    }

    /// The range for an axis: `limits` where given, else the data padded by 5% (not past a tight
    /// bound or floor); [0, 1] (or [1, 10] on a log axis) without data.
    static func fitted(min lo: Double, max hi: Double, limits: ClosedRange<Double>?, scale: AxisScale,
                       tight: Bool, floor: Double?) -> (Double, Double) {
        var lower = lo, upper = hi
        if !(lower <= upper) { return fallback(limits, scale) }
        if !tight {
            switch scale {
            case .linear:
                let pad = 0.05 * (upper - lower)
                lower = (floor.map { lower >= $0 && lower - pad < $0 } ?? false) ? floor! : lower - pad
                upper += pad
            case .log:
                lower /= pow(10, 0.05 * log10(upper / lower))
                upper *= pow(10, 0.05 * log10(upper / lower))
            }
        }
        if let limits {
            if limits.lowerBound.isFinite { lower = limits.lowerBound }
            if limits.upperBound.isFinite { upper = limits.upperBound }
        }
        return widened(lower, upper, scale)
    }

    static func fallback(_ limits: ClosedRange<Double>?, _ scale: AxisScale) -> (Double, Double) {
        var lower = scale == .log ? 1.0 : 0.0, upper = scale == .log ? 10.0 : 1.0
        if let limits {
            if limits.lowerBound.isFinite { lower = limits.lowerBound }
            if limits.upperBound.isFinite { upper = limits.upperBound }
        }
        return widened(lower, upper, scale)
    }

    /// A zero-width or reversed range made usable.
    static func widened(_ lower: Double, _ upper: Double, _ scale: AxisScale) -> (Double, Double) {
        if scale == .log {
            let lo = lower > 0 ? lower : 1
            return upper > lo ? (lo, upper) : (lo / 2, lo * 2)
        }
        if upper > lower { return (lower, upper) }
        let half = lower == 0 ? 0.5 : abs(lower) * 0.05
        return (lower - half, lower + half)
    }
}
