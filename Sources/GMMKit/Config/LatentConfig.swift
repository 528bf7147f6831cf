/// The latent target q̃_u of Eq. (1) and the latent interval, shared by all continuous observables.
///
/// File keys (all optional): `alpha` (default 4), `beta` (3), `gamma` (1), `interval` ([-5, 5]),
/// and how the response curve Q_x is built from the reference events: `interpolation`
/// (`monotone_cubic`, default, or `linear` as in the paper) between knots at quantiles of the
/// reference data, one per `events_per_knot` events (1000) and at most `max_knots` (1000).
public struct LatentConfig: Sendable, Equatable, Codable {
    static let keys = ["alpha", "beta", "gamma", "interval", "interpolation", "events_per_knot", "max_knots"]

    /// Edge steepness α (> 0).
    public var alpha: Double
    /// Plateau half-width β.
    public var beta: Double
    /// Edge offset γ (α·β + γ must be > 0).
    public var gamma: Double
    /// The latent interval [u_min, u_max] (finite, u_min < u_max).
    public var interval: ConfigInterval
    /// How Q_x runs between knots.
    public var interpolation: ProjectionInterpolation = .monotoneCubic
    /// Reference events per knot of Q_x (>= 1): fewer knots smooth the empirical CDF's noise.
    public var eventsPerKnot: Int = 1000
    /// Most knots of Q_x (>= 1).
    public var maxKnots: Int = 1000

    /// Knots for `events` reference events: events / events_per_knot, within [8, max_knots].
    public func knotCount(events: Int) -> Int {
        min(maxKnots, max(min(8, maxKnots), events / eventsPerKnot))
    }

    /// Creates a latent description (defaults: the paper's (4, 3, 1) on [−5, 5]) without validation.
    public init(alpha: Double = 4, beta: Double = 3, gamma: Double = 1, interval: ConfigInterval = .init(lower: -5, upper: 5)) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.interval = interval
    }

    /// The ``LatentTarget`` these values describe.
    ///
    /// - Throws: ``ConfigError`` if the values are invalid (see ``validate(at:)``).
    public func target() throws(ConfigError) -> LatentTarget {
        try validate()
        do {
            return try LatentTarget(
                alpha: alpha, beta: beta, gamma: gamma, lowerBound: interval.lower, upperBound: interval.upper)
        } catch {
            throw .invalidValue(path: "latent", expected: "a valid latent target", got: error.description)
        }
    }

    /// Checks the values; `path` is the section's path (normally `latent`).
    ///
    /// - Throws: ``ConfigError`` unless α > 0, β and γ are finite, α·β + γ > 0, and the interval is finite with lower < upper.
    public func validate(at path: String = "latent") throws(ConfigError) {
        guard alpha.isFinite, alpha > 0 else {
            throw .invalidValue(path: "\(path).alpha", expected: "a finite number > 0", got: formatBound(alpha))
        }
        guard beta.isFinite else {
            throw .invalidValue(path: "\(path).beta", expected: "a finite number", got: formatBound(beta))
        }
        guard gamma.isFinite else {
            throw .invalidValue(path: "\(path).gamma", expected: "a finite number", got: formatBound(gamma))
        }
        guard alpha * beta + gamma > 0 else {
            throw .invalidValue(
                path: "\(path).gamma", expected: "alpha * beta + gamma > 0 (a plateau of positive width)",
                got: "\(formatBound(gamma)) (alpha * beta + gamma = \(alpha * beta + gamma))")
        }
        guard eventsPerKnot >= 1 else {
            throw .invalidValue(path: "\(path).events_per_knot", expected: "an integer >= 1", got: "\(eventsPerKnot)")
        }
        guard maxKnots >= 1 else {
            throw .invalidValue(path: "\(path).max_knots", expected: "an integer >= 1", got: "\(maxKnots)")
        }
        let lo = interval.lower, hi = interval.upper
        guard lo.isFinite, hi.isFinite, lo < hi else {
            throw .invalidValue(
                path: "\(path).interval", expected: "finite [u_min, u_max] with u_min < u_max",
                got: "[\(formatBound(lo)), \(formatBound(hi))]")
        }
    }

    /// Decodes and validates the section; absent keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let reader = try ConfigObjectReader(decoder, known: Self.keys)
        let d = LatentConfig()
        self.init(
            alpha: try reader.optional("alpha", Double.self, expected: "a number") ?? d.alpha,
            beta: try reader.optional("beta", Double.self, expected: "a number") ?? d.beta,
            gamma: try reader.optional("gamma", Double.self, expected: "a number") ?? d.gamma,
            interval: try reader.optional(
                "interval", ConfigInterval.self, expected: "an array [u_min, u_max] of two numbers") ?? d.interval)
        if let text = try reader.optional("interpolation", String.self, expected: "a string") {
            guard let value = ProjectionInterpolation(rawValue: text) else {
                let path = decoder.codingPath.isEmpty ? "latent" : configPath(decoder.codingPath)
                throw ConfigError.invalidValue(path: "\(path).interpolation", expected: "monotone_cubic or linear", got: "'\(text)'")
            }
            interpolation = value
        }
        eventsPerKnot = try reader.optional("events_per_knot", Int.self, expected: "an integer") ?? d.eventsPerKnot
        maxKnots = try reader.optional("max_knots", Int.self, expected: "an integer") ?? d.maxKnots
        try validate(at: decoder.codingPath.isEmpty ? "latent" : configPath(decoder.codingPath))
    }

    private enum CodingKeys: String, CodingKey {
        case alpha, beta, gamma, interval, interpolation
        case eventsPerKnot = "events_per_knot"
        case maxKnots = "max_knots"
    }
}
