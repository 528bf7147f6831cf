/// How the response curve Q_x runs between its knots.
public enum ProjectionInterpolation: String, Sendable, Equatable, Codable {
    /// Straight segments (the paper's): dh/dx is a step function.
    case linear
    /// A monotone cubic Hermite curve (Fritsch–Butland slopes): dh/dx is continuous, so the
    /// data-space density has no steps and the knot-to-knot noise of the empirical CDF is smoothed.
    case monotoneCubic = "monotone_cubic"
}

/// What Q_x does beyond the knot table on an unbounded side.
public enum ProjectionTail: String, Sendable, Equatable, Codable {
    /// Nothing: the density is zero beyond the first and last knots (files written before
    /// tails existed).
    case none
    /// On each unbounded side the outermost segment is replaced by an exponential tail that
    /// keeps the segment's mass and its density at the inner knot: 1 − Q_x(x) =
    /// m·exp(−λ(x − x_{K−2})) above, Q_x(x) = m·exp(λ(x − x_1)) below, with m the segment's
    /// mass and λ = Q_x'(knot)/m. Q_x then maps the whole unbounded side into (0, 1), so every
    /// finite value has a positive, normalised density.
    case exponential
}

/// The serialisable form of an ``ObservableProjection``: its piecewise-linear response curve
/// Q_x as knot tables plus everything needed to rebuild the projection exactly.
///
/// All numbers are stored as `Double`; `JSONEncoder` writes the shortest representation that
/// round-trips, so a JSON round trip reproduces every value bit for bit. Infinite declared
/// bounds are stored as absent keys (`nil`) because JSON has no infinity.
///
/// Keys: `name`, `lower_bound`, `upper_bound` (absent = unbounded), `projection_f`,
/// `knots_x` `[K]`, `knots_q` `[K]`, `target` (``LatentTarget``), `interpolation`, `tails`
/// (``ProjectionTail``).
public struct ProjectionTable: Sendable, Equatable, Codable {
    /// Name of the observable, used in error messages.
    public var name: String
    /// Declared lower bound of the observable; `nil` when unbounded below.
    public var declaredLowerBound: Double?
    /// Declared upper bound of the observable; `nil` when unbounded above.
    public var declaredUpperBound: Double?
    /// The projection constant f of Q_x = (1 − f)·D_x + f·L_x.
    public var projectionF: Double
    /// Knot positions in data space, strictly increasing, shape `[K]` (K >= 2).
    /// `knotsX.first` and `knotsX.last` are the ends of the range the projection covers.
    public var knotsX: [Double]
    /// Q_x at the knots, strictly increasing from exactly 0 to exactly 1, shape `[K]`.
    public var knotsQ: [Double]
    /// The latent target whose CDF Q_u is inverted: h(x) = Q_u⁻¹(Q_x(x)).
    public var target: LatentTarget
    /// How Q_x runs between the knots (stored as `interpolation`; absent means linear).
    public var interpolation: ProjectionInterpolation = .linear
    /// What Q_x does beyond the knots on an unbounded side (stored as `tails`; absent means none).
    public var tails: ProjectionTail = .none

    /// Creates a table without validating it; ``ObservableProjection/init(table:)`` validates.
    public init(
        name: String, declaredLowerBound: Double?, declaredUpperBound: Double?, projectionF: Double,
        knotsX: [Double], knotsQ: [Double], target: LatentTarget
    ) {
        self.name = name
        self.declaredLowerBound = declaredLowerBound
        self.declaredUpperBound = declaredUpperBound
        self.projectionF = projectionF
        self.knotsX = knotsX
        self.knotsQ = knotsQ
        self.target = target
    }

    private enum CodingKeys: String, CodingKey {
        case name
        case declaredLowerBound = "lower_bound"
        case declaredUpperBound = "upper_bound"
        case projectionF = "projection_f"
        case knotsX = "knots_x"
        case knotsQ = "knots_q"
        case target
        case interpolation
        case tails
    }

    /// Decodes a table; a missing `interpolation` reads as linear (the paper's, and the only
    /// one of format version 1's first files).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        declaredLowerBound = try c.decodeIfPresent(Double.self, forKey: .declaredLowerBound)
        declaredUpperBound = try c.decodeIfPresent(Double.self, forKey: .declaredUpperBound)
        projectionF = try c.decode(Double.self, forKey: .projectionF)
        knotsX = try c.decode([Double].self, forKey: .knotsX)
        knotsQ = try c.decode([Double].self, forKey: .knotsQ)
        target = try c.decode(LatentTarget.self, forKey: .target)
        interpolation = try c.decodeIfPresent(ProjectionInterpolation.self, forKey: .interpolation) ?? .linear
        tails = try c.decodeIfPresent(ProjectionTail.self, forKey: .tails) ?? .none
    }
}
