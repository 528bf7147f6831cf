/// An sRGB colour for plots.
public struct PlotColor: Equatable, Hashable, Sendable {
    /// Red, green and blue in 0...255.
    public var red: UInt8, green: UInt8, blue: UInt8

    /// A colour from its 0...255 components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit 0xRRGGBB value.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xff), green: UInt8((hex >> 8) & 0xff), blue: UInt8(hex & 0xff))
    }

    /// `#rrggbb`, as SVG and CSS write it.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// The colour `fraction` (0...1) of the way from `self` to `other`.
    public func mixed(with other: PlotColor, _ fraction: Double) -> PlotColor {
        let t = min(1, max(0, fraction.isFinite ? fraction : 0))
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return PlotColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// Black.
    public static let black = PlotColor(hex: 0x000000)
    /// White.
    public static let white = PlotColor(hex: 0xffffff)
    /// The grey of statistical bands and reference lines.
    public static let grey = PlotColor(hex: 0x999999)
}

/// The Okabe–Ito palette, distinguishable with every common colour-vision deficiency.
public enum Palette {
    /// Black (#000000).
    public static let black = PlotColor(hex: 0x000000)
    /// Orange (#E69F00).
    public static let orange = PlotColor(hex: 0xE69F00)
    /// Sky blue (#56B4E9).
    public static let skyBlue = PlotColor(hex: 0x56B4E9)
    /// Bluish green (#009E73).
    public static let bluishGreen = PlotColor(hex: 0x009E73)
    /// Yellow (#F0E442).
    public static let yellow = PlotColor(hex: 0xF0E442)
    /// Blue (#0072B2).
    public static let blue = PlotColor(hex: 0x0072B2)
    /// Vermillion (#D55E00): the data colour of the report.
    public static let vermillion = PlotColor(hex: 0xD55E00)
    /// Reddish purple (#CC79A7).
    public static let reddishPurple = PlotColor(hex: 0xCC79A7)

    /// The cycle used for successive series: black first, then the colours (yellow last, as it
    /// is faint on white).
    public static let cycle: [PlotColor] = [black, vermillion, blue, bluishGreen, orange, reddishPurple, skyBlue, yellow]

    /// The `index`-th colour of the cycle (repeating).
    public static func color(_ index: Int) -> PlotColor { cycle[((index % cycle.count) + cycle.count) % cycle.count] }
}

/// A colour map from [0, 1] to colours, piecewise linear between anchor colours.
public struct ColorMap: Equatable, Sendable {
    /// Anchor colours at equal spacing from 0 to 1.
    public var anchors: [PlotColor]

    /// A map through `anchors` (at least one).
    public init(anchors: [PlotColor]) { self.anchors = anchors.isEmpty ? [.black, .white] : anchors }

    /// The colour at `t` (clamped to [0, 1]).
    public func color(at t: Double) -> PlotColor {
        guard anchors.count > 1 else { return anchors[0] }
        let x = min(1, max(0, t.isFinite ? t : 0)) * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(x))
        return anchors[i].mixed(with: anchors[i + 1], x - Double(i))
    }

    /// Viridis (sequential, perceptually uniform, colour-blind safe), sampled at ten points.
    public static let viridis = ColorMap(anchors: [0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E,
                                                    0x1F9E89, 0x35B779, 0x6ECE58, 0xB5DE2B, 0xFDE725].map { PlotColor(hex: $0) })
    /// Blue–white–red (diverging, for pulls and signed differences; ColorBrewer RdBu reversed).
    public static let blueWhiteRed = ColorMap(anchors: [0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                                                         0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B].map { PlotColor(hex: $0) })
}
