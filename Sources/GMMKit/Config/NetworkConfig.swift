/// The network constants of Figure 3 and Tables 3–5 (defaults: Table 5), plus the categorical
/// network used for integer observables (Section 4).
///
/// File keys (all optional, snake_case): `n_gaussians` (N_G, 20), `a1` (50), `a2` (0), `b1` (50),
/// `b2` (20), `c` (2), `d` (3), `s_f` (0.01), `s_mu` (0.01), `s_sigma` (0.01), `f_sigma` (0.25),
/// `epsilon` (1e-4), `truncate` (true), `categorical_hidden` ([300, 200]), `theta_init_scale` (1), `theta_kinks` (`centre`).
public struct NetworkConfig: Sendable, Equatable, Codable {
    static let keys = [
        "n_gaussians", "a1", "a2", "b1", "b2", "c", "d", "s_f", "s_mu", "s_sigma", "f_sigma", "epsilon",
        "truncate", "categorical_hidden", "theta_init_scale", "theta_kinks",
    ]

    /// N_G, Gaussians per mixture (>= 1).
    public var nGaussians: Int
    /// A1: θ-branch width N1 = A1 + A2·N_θ (>= 0).
    public var a1: Int
    /// A2: θ-branch width per parameter (>= 0).
    public var a2: Int
    /// B1: u-branch width N2 = B1 + B2·i (>= 0).
    public var b1: Int
    /// B2: u-branch width per preceding observable (>= 0).
    public var b2: Int
    /// C: number of intermediate layers of width N1 + N2 (>= 0).
    public var c: Int
    /// D: head hidden width D·N_G (>= 1).
    public var d: Int
    /// s_f: scale of the initial amplitude perturbations (>= 0).
    public var sF: Double
    /// s_μ: scale of the initial mean perturbations (>= 0).
    public var sMu: Double
    /// s_σ: scale of the initial width perturbations (>= 0).
    public var sSigma: Double
    /// f_σ: initial Gaussian width in units of (u_max − u_min) / N_G (> 0).
    public var fSigma: Double
    /// ε: constant added to every Gaussian width (>= 0).
    public var epsilon: Double
    /// true: the mixture is normalised exactly on the latent interval; false: the paper's untruncated mixture.
    public var truncate: Bool
    /// Hidden layer sizes of the categorical network for integer observables (each >= 1).
    public var categoricalHidden: [Int]
    /// The θ branch's initial weights as a multiple of the paper's (uniform in ±10/(3√N_in),
    /// ±3.3 for one parameter): below 1 the networks start nearly independent of θ and grow a
    /// θ-dependence only as far as the data ask for it (>= 0).
    public var thetaInitScale: Double = 1
    /// Where the θ branch's LeakyReLUs start to bend.
    public var thetaKinks: ThetaKinks = .centre

    /// Creates network constants (defaults: Table 5) without validation (see ``validate(at:)``).
    public init(
        nGaussians: Int = 20, a1: Int = 50, a2: Int = 0, b1: Int = 50, b2: Int = 20, c: Int = 2, d: Int = 3,
        sF: Double = 0.01, sMu: Double = 0.01, sSigma: Double = 0.01, fSigma: Double = 0.25,
        epsilon: Double = 1e-4, truncate: Bool = true, categoricalHidden: [Int] = [300, 200]
    ) {
        self.nGaussians = nGaussians
        self.a1 = a1
        self.a2 = a2
        self.b1 = b1
        self.b2 = b2
        self.c = c
        self.d = d
        self.sF = sF
        self.sMu = sMu
        self.sSigma = sSigma
        self.fSigma = fSigma
        self.epsilon = epsilon
        self.truncate = truncate
        self.categoricalHidden = categoricalHidden
    }

    /// Checks the values; `path` is the section's path (normally `network`).
    ///
    /// - Throws: ``ConfigError`` for n_gaussians < 1, negative a1/a2/b1/b2/c, d < 1, negative or
    ///   non-finite s_f/s_mu/s_sigma/epsilon, f_sigma <= 0, or a categorical hidden size < 1.
    public func validate(at path: String = "network") throws(ConfigError) {
        func atLeast(_ value: Int, _ minimum: Int, _ key: String) throws(ConfigError) {
            guard value >= minimum else {
                throw .invalidValue(path: "\(path).\(key)", expected: "an integer >= \(minimum)", got: "\(value)")
            }
        }
        func nonNegative(_ value: Double, _ key: String) throws(ConfigError) {
            guard value.isFinite, value >= 0 else {
                throw .invalidValue(path: "\(path).\(key)", expected: "a finite number >= 0", got: formatBound(value))
            }
        }
        try atLeast(nGaussians, 1, "n_gaussians")
        try atLeast(a1, 0, "a1")
        try atLeast(a2, 0, "a2")
        try atLeast(b1, 0, "b1")
        try atLeast(b2, 0, "b2")
        try atLeast(c, 0, "c")
        try atLeast(d, 1, "d")
        try nonNegative(sF, "s_f")
        try nonNegative(sMu, "s_mu")
        try nonNegative(sSigma, "s_sigma")
        try nonNegative(epsilon, "epsilon")
        guard fSigma.isFinite, fSigma > 0 else {
            throw .invalidValue(path: "\(path).f_sigma", expected: "a finite number > 0", got: formatBound(fSigma))
        }
        for (i, width) in categoricalHidden.enumerated() {
            try atLeast(width, 1, "categorical_hidden[\(i)]")
        }
        try nonNegative(thetaInitScale, "theta_init_scale")
    }

    /// Decodes and validates the section; absent keys take their Table-5 defaults.
    public init(from decoder: any Decoder) throws {
        let r = try ConfigObjectReader(decoder, known: Self.keys)
        let d = NetworkConfig()
        let int = "an integer", number = "a number"
        self.init(
            nGaussians: try r.optional("n_gaussians", Int.self, expected: int) ?? d.nGaussians,
            a1: try r.optional("a1", Int.self, expected: int) ?? d.a1,
            a2: try r.optional("a2", Int.self, expected: int) ?? d.a2,
            b1: try r.optional("b1", Int.self, expected: int) ?? d.b1,
            b2: try r.optional("b2", Int.self, expected: int) ?? d.b2,
            c: try r.optional("c", Int.self, expected: int) ?? d.c,
            d: try r.optional("d", Int.self, expected: int) ?? d.d,
            sF: try r.optional("s_f", Double.self, expected: number) ?? d.sF,
            sMu: try r.optional("s_mu", Double.self, expected: number) ?? d.sMu,
            sSigma: try r.optional("s_sigma", Double.self, expected: number) ?? d.sSigma,
            fSigma: try r.optional("f_sigma", Double.self, expected: number) ?? d.fSigma,
            epsilon: try r.optional("epsilon", Double.self, expected: number) ?? d.epsilon,
            truncate: try r.optional("truncate", Bool.self, expected: "a boolean (true or false)") ?? d.truncate,
            categoricalHidden: try r.optionalArray(
                "categorical_hidden", of: Int.self, expected: "an array of integers", expectedElement: "an integer")
                ?? d.categoricalHidden)
        thetaInitScale = try r.optional("theta_init_scale", Double.self, expected: number) ?? d.thetaInitScale
        if let text = try r.optional("theta_kinks", String.self, expected: "a string") {
            guard let value = ThetaKinks(rawValue: text) else {
                throw ConfigError.invalidValue(path: r.path("theta_kinks"), expected: "centre or spread", got: "'\(text)'")
            }
            thetaKinks = value
        }
        try validate(at: decoder.codingPath.isEmpty ? "network" : configPath(decoder.codingPath))
    }

    private enum CodingKeys: String, CodingKey {
        case nGaussians = "n_gaussians"
        case a1, a2, b1, b2, c, d
        case sF = "s_f"
        case sMu = "s_mu"
        case sSigma = "s_sigma"
        case fSigma = "f_sigma"
        case epsilon, truncate
        case categoricalHidden = "categorical_hidden"
        case thetaInitScale = "theta_init_scale"
        case thetaKinks = "theta_kinks"
    }
}

/// Where the θ branch's neurons start to bend (their LeakyReLU kinks in θ).
public enum ThetaKinks: String, Sendable, Codable, CaseIterable {
    /// Zero biases (the paper): every neuron of the θ branch bends at the centre of the
    /// training θ range, so the networks' θ-dependence starts with one shared kink there.
    case centre
    /// Each neuron's bias puts its kink at a random θ in the training range (uniform in the
    /// scaled [−2, 2]^p): a piecewise-linear θ-dependence with kinks spread over the range.
    case spread
}
