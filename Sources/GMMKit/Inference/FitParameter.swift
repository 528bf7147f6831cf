/// A Gaussian constraint term ½((θ_i − mean)/width)² added to the NLL for a nuisance
/// parameter known from elsewhere (e.g. a luminosity measured to 2%).
public struct GaussianConstraint: Codable, Sendable, Equatable {
    /// The constraint's central value.
    public var mean: Double
    /// Its standard deviation (> 0).
    public var width: Double

    /// A constraint N(mean, width²).
    public init(mean: Double, width: Double) {
        self.mean = mean
        self.width = width
    }

    /// ½((value − mean)/width)².
    @inline(__always) func value(_ x: Double) -> Double {
        let z = (x - mean) / width
        return 0.5 * z * z
    }

    /// d/dx of ``value(_:)``.
    @inline(__always) func derivative(_ x: Double) -> Double { (x - mean) / (width * width) }
}

/// How a fit treats one parameter of the likelihood: its bounds, whether it is fixed, where the
/// minimiser starts, and an optional Gaussian constraint.
public struct FitParameter: Codable, Sendable, Equatable {
    /// The likelihood's name of the parameter.
    public var name: String
    /// Lower bound (may be −∞).
    public var lower: Double
    /// Upper bound (may be +∞).
    public var upper: Double
    /// The value it is held at, or nil when free.
    public var fixedValue: Double?
    /// Where the minimiser starts (nil: the constraint's mean, else 0 when inside the bounds,
    /// else the bounds' midpoint or finite end).
    public var start: Double?
    /// An optional constraint term added to the NLL.
    public var constraint: GaussianConstraint?

    /// A parameter setting.
    public init(name: String, lower: Double = -.infinity, upper: Double = .infinity, fixedValue: Double? = nil,
                start: Double? = nil, constraint: GaussianConstraint? = nil) {
        self.name = name
        self.lower = lower
        self.upper = upper
        self.fixedValue = fixedValue
        self.start = start
        self.constraint = constraint
    }

    /// Whether the parameter is free.
    public var isFree: Bool { fixedValue == nil }

    /// The start value: the fixed value, else ``start``, else the default described there.
    public var startValue: Double {
        if let fixedValue { return fixedValue }
        if let start { return start }
        if let mean = constraint?.mean, mean >= lower, mean <= upper { return mean }
        if lower <= 0, upper >= 0 { return 0 }
        if lower.isFinite, upper.isFinite { return 0.5 * (lower + upper) }
        return lower.isFinite ? lower : upper
    }

    /// Checks bounds, start, fixed value and constraint.
    func validate() throws {
        guard !lower.isNaN, !upper.isNaN, lower <= upper, lower < .infinity, upper > -.infinity else {
            throw InferenceError.invalidBounds(parameter: name, lower: lower, upper: upper)
        }
        for value in [fixedValue, start].compactMap({ $0 }) {
            guard value.isFinite else { throw InferenceError.nonFinite(field: "parameter '\(name)' start/fixed value", index: 0, value: value) }
            guard value >= lower, value <= upper else { throw InferenceError.outsideBounds(parameter: name, value: value, lower: lower, upper: upper) }
        }
        if let constraint {
            guard constraint.mean.isFinite else { throw InferenceError.nonFinite(field: "parameter '\(name)' constraint mean", index: 0, value: constraint.mean) }
            guard constraint.width.isFinite, constraint.width > 0 else {
                throw InferenceError.invalidArgument(name: "parameter '\(name)' constraint width", expected: "a finite value > 0", got: "\(constraint.width)")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, lower, upper, start, constraint
        case fixedValue = "fixed_value"
    }

    /// Infinite bounds are written as null (JSON has no infinity).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(lower.isFinite ? lower : nil, forKey: .lower)
        try c.encode(upper.isFinite ? upper : nil, forKey: .upper)
        try c.encodeIfPresent(fixedValue, forKey: .fixedValue)
        try c.encodeIfPresent(start, forKey: .start)
        try c.encodeIfPresent(constraint, forKey: .constraint)
    }

    /// Missing or null bounds are infinite.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        lower = try c.decodeIfPresent(Double.self, forKey: .lower) ?? -.infinity
        upper = try c.decodeIfPresent(Double.self, forKey: .upper) ?? .infinity
        fixedValue = try c.decodeIfPresent(Double.self, forKey: .fixedValue)
        start = try c.decodeIfPresent(Double.self, forKey: .start)
        constraint = try c.decodeIfPresent(GaussianConstraint.self, forKey: .constraint)
    }
}
