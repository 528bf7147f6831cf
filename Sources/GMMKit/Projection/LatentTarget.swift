#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The flat-topped latent target density q̃_u of Eq. (1), normalised on the latent interval
/// `[lowerBound, upperBound]` (u_min, u_max), with its exact CDF Q_u and quantile Q_u⁻¹.
///
/// Eq. (1) is q̃_u(u) = 1 / (1 + e^{α(u − β) − γ}) · 1 / (1 + e^{−α(u + β) − γ}).
/// Writing z = αu and s = αβ + γ this is σ(s − z)·σ(z + s), and since
/// σ(z − s)·σ(−z − s) = e^{−2s}·σ(z + s)·σ(s − z),
///
///     q̃_u(u) = [σ(z + s) − σ(z − s)] / (1 − e^{−2s}),
///
/// whose antiderivative in u is [softplus(z + s) − softplus(z − s)] / (α (1 − e^{−2s})).
/// The CDF is therefore exact: Q_u(u) = [G(αu) − G(αu_min)] / [G(αu_max) − G(αu_min)] with
/// G(z) = softplus(z + s) − softplus(z − s). Differences of G are evaluated with the
/// symmetry G(z) = 2s − G(−z) so that both tails keep full relative precision.
///
/// Requires α > 0 and s = αβ + γ > 0 (a plateau of positive half-width s/α).
/// The paper's choice (α, β, γ) = (4, 3, 1) on [−5, 5] is ``standard``.
public struct LatentTarget: Sendable, Equatable, Codable {
    /// Edge steepness α of Eq. (1).
    public let alpha: Double
    /// Plateau half-width β of Eq. (1).
    public let beta: Double
    /// Edge offset γ of Eq. (1).
    public let gamma: Double
    /// Lower end u_min of the latent interval.
    public let lowerBound: Double
    /// Upper end u_max of the latent interval.
    public let upperBound: Double

    /// s = αβ + γ.
    private let s: Double
    /// Mass of the interval in units of G: G(αu_max) − G(αu_min).
    private let totalMass: Double
    /// log(α (1 − e^{−2s}) / totalMass): the log normalisation added to log q̃_u.
    private let logNormalization: Double
    /// G(αu_min): the mass below the interval, in units of G.
    private let massBelowLowerBound: Double
    /// G(−αu_max) = 2s − G(αu_max): the mass above the interval, in units of G.
    private let massAboveUpperBound: Double

    /// The paper's target: (α, β, γ) = (4, 3, 1) on [−5, 5].
    public static let standard = LatentTarget(uncheckedAlpha: 4, beta: 3, gamma: 1, lowerBound: -5, upperBound: 5)

    /// Creates a target, validating its parameters.
    ///
    /// - Throws: ``ProjectionError/invalidTarget(field:value:expected:)`` if α ≤ 0, αβ + γ ≤ 0,
    ///   a parameter is not finite, or `lowerBound >= upperBound`.
    public init(
        alpha: Double = 4, beta: Double = 3, gamma: Double = 1,
        lowerBound: Double = -5, upperBound: Double = 5
    ) throws(ProjectionError) {
        guard alpha.isFinite, alpha > 0 else {
            throw .invalidTarget(field: "alpha", value: alpha, expected: "a finite number > 0")
        }
        guard beta.isFinite else { throw .invalidTarget(field: "beta", value: beta, expected: "a finite number") }
        guard gamma.isFinite else { throw .invalidTarget(field: "gamma", value: gamma, expected: "a finite number") }
        guard alpha * beta + gamma > 0 else {
            throw .invalidTarget(
                field: "gamma", value: gamma,
                expected: "alpha * beta + gamma > 0 (a plateau of positive width); got alpha * beta + gamma = \(alpha * beta + gamma)")
        }
        guard lowerBound.isFinite else {
            throw .invalidTarget(field: "u_min", value: lowerBound, expected: "a finite number")
        }
        guard upperBound.isFinite, upperBound > lowerBound else {
            throw .invalidTarget(field: "u_max", value: upperBound, expected: "a finite number > u_min = \(lowerBound)")
        }
        self.init(uncheckedAlpha: alpha, beta: beta, gamma: gamma, lowerBound: lowerBound, upperBound: upperBound)
    }

    private init(uncheckedAlpha alpha: Double, beta: Double, gamma: Double, lowerBound: Double, upperBound: Double) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        let s = alpha * beta + gamma
        self.s = s
        let mass = Self.mass(alpha * lowerBound, alpha * upperBound, s: s)
        self.totalMass = mass
        self.logNormalization = log(alpha) + log(-expm1(-2 * s)) - log(mass)
        self.massBelowLowerBound = Self.bigG(alpha * lowerBound, s: s)
        self.massAboveUpperBound = Self.bigG(-alpha * upperBound, s: s)
    }

    // MARK: Densities

    /// The unnormalised Eq. (1) value q̃_u(u) (defined on the whole real line).
    public func unnormalizedDensity(_ u: Double) -> Double {
        exp(logUnnormalizedDensity(u))
    }

    /// log q̃_u(u) of Eq. (1), unnormalised: −softplus(αu − s) − softplus(−αu − s).
    public func logUnnormalizedDensity(_ u: Double) -> Double {
        let z = alpha * u
        return -StableMath.softplus(z - s) - StableMath.softplus(-z - s)
    }

    /// log q_u(u), normalised on the latent interval; −∞ outside it.
    public func logDensity(_ u: Double) -> Double {
        guard u >= lowerBound, u <= upperBound else { return u.isNaN ? .nan : -.infinity }
        return logUnnormalizedDensity(u) + logNormalization
    }

    /// q_u(u), normalised on the latent interval; 0 outside it.
    public func density(_ u: Double) -> Double {
        exp(logDensity(u))
    }

    // MARK: CDF and quantile

    /// Q_u(u): the exact CDF on the latent interval (0 below it, 1 above it).
    public func cdf(_ u: Double) -> Double {
        if u.isNaN { return .nan }
        if u <= lowerBound { return 0 }
        if u >= upperBound { return 1 }
        return min(1, Self.mass(alpha * lowerBound, alpha * u, s: s) / totalMass)
    }

    /// 1 − Q_u(u), computed directly so that it keeps relative precision near u_max.
    public func survival(_ u: Double) -> Double {
        if u.isNaN { return .nan }
        if u <= lowerBound { return 1 }
        if u >= upperBound { return 0 }
        return min(1, Self.mass(alpha * u, alpha * upperBound, s: s) / totalMass)
    }

    /// Q_u⁻¹(p) for p in [0, 1] (clamped), in closed form.
    public func quantile(_ p: Double) -> Double {
        quantile(lower: p, upper: 1 - p)
    }

    /// Q_u⁻¹ given both tail probabilities `lower` = p and `upper` = 1 − p (which should add up to 1).
    ///
    /// G(z) = c has the closed-form solution e^z = (e^c − 1) / (e^s − e^{c−s}), so no iteration
    /// is needed. From below, αu solves G = p·M + G(αu_min); from above (G(z) = 2s − G(−z)),
    /// −αu solves G = (1 − p)·M + G(−αu_max). The two right-hand sides add up to 2s; the
    /// smaller one (at most s) is used, where both factors of the solution keep full relative
    /// precision — in particular a small upper tail 1 − p ≪ 1 keeps its precision.
    func quantile(lower: Double, upper: Double) -> Double {
        if lower.isNaN || upper.isNaN { return .nan }
        if lower <= 0 { return lowerBound }
        if upper <= 0 { return upperBound }
        let fromBelow = lower * totalMass + massBelowLowerBound
        let fromAbove = upper * totalMass + massAboveUpperBound
        let u = fromBelow <= fromAbove ? Self.solveG(fromBelow, s: s) / alpha : -Self.solveG(fromAbove, s: s) / alpha
        return min(max(u, lowerBound), upperBound)
    }

    /// The z with G(z) = c, for 0 < c < 2s: log(e^c − 1) − s − log(1 − e^{c − 2s}).
    @inline(__always)
    private static func solveG(_ c: Double, s: Double) -> Double {
        log(expm1(c)) - s - log(-expm1(c - 2 * s))
    }

    // MARK: Mass in units of G

    /// G(z) = softplus(z + s) − softplus(z − s), accurate for z <= 0.
    @inline(__always)
    private static func g(_ z: Double, s: Double) -> Double {
        StableMath.softplus(z + s) - StableMath.softplus(z - s)
    }

    /// G(z) for any z, evaluated at a non-positive argument (G(z) = 2s − G(−z) for z > 0).
    private static func bigG(_ z: Double, s: Double) -> Double {
        z <= 0 ? g(z, s: s) : 2 * s - g(-z, s: s)
    }

    /// G(z2) − G(z1) for z1 <= z2, using G(z) = 2s − G(−z) to evaluate G only at non-positive arguments.
    private static func mass(_ z1: Double, _ z2: Double, s: Double) -> Double {
        if z2 <= 0 { return g(z2, s: s) - g(z1, s: s) }
        if z1 >= 0 { return g(-z1, s: s) - g(-z2, s: s) }
        return 2 * s - g(-z2, s: s) - g(z1, s: s)
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case alpha, beta, gamma
        case lowerBound = "u_min"
        case upperBound = "u_max"
    }

    /// Decodes `{alpha, beta, gamma, u_min, u_max}` and validates it like ``init(alpha:beta:gamma:lowerBound:upperBound:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            alpha: c.decode(Double.self, forKey: .alpha),
            beta: c.decode(Double.self, forKey: .beta),
            gamma: c.decode(Double.self, forKey: .gamma),
            lowerBound: c.decode(Double.self, forKey: .lowerBound),
            upperBound: c.decode(Double.self, forKey: .upperBound))
    }

    /// Encodes `{alpha, beta, gamma, u_min, u_max}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(beta, forKey: .beta)
        try c.encode(gamma, forKey: .gamma)
        try c.encode(lowerBound, forKey: .lowerBound)
        try c.encode(upperBound, forKey: .upperBound)
    }

    /// Two targets are equal when their five parameters are.
    public static func == (lhs: LatentTarget, rhs: LatentTarget) -> Bool {
        lhs.alpha == rhs.alpha && lhs.beta == rhs.beta && lhs.gamma == rhs.gamma
            && lhs.lowerBound == rhs.lowerBound && lhs.upperBound == rhs.upperBound
    }
}
