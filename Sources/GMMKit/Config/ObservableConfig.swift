/// The kind of an observable: continuous (projected onto the latent space and modelled by a
/// Gaussian mixture) or integer (modelled by a categorical distribution, not projected).
public enum ObservableKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// A real-valued observable.
    case continuous
    /// An integer-valued observable on a finite inclusive interval.
    case integer
}

/// One observable of a model description, in autoregressive order.
///
/// File keys: `name` (string, required, unique), `kind` (`"continuous"` or `"integer"`, default
/// `"continuous"`), `interval` (`[lower, upper]`, required; continuous sides may be `"-inf"`/`"inf"`,
/// integer ends must be finite integers), `projection_f` (in [0, 1], default 0.5; continuous only),
/// `unit` (string, optional: shown on plot axes, e.g. `"GeV"`).
public struct ObservableConfig: Sendable, Equatable, Codable {
    /// Default projection constant f.
    public static let defaultProjectionF = 0.5
    static let keys = ["name", "kind", "interval", "projection_f", "unit"]
    /// The largest number of categories (1 + upper − lower) an integer observable may have.
    public static let maxCategories = 1_000_000

    /// Unique name of the observable.
    public var name: String
    /// Continuous or integer.
    public var kind: ObservableKind
    /// The allowed range `[lower, upper]`; inclusive integer range for integer observables.
    public var interval: ConfigInterval
    /// Projection constant f of Q_x = (1 − f)·D_x + f·L_x (unused for integer observables).
    public var projectionF: Double
    /// The unit of the values, for plot axes (nil: none given).
    public var unit: String?

    /// Creates an observable description without validation (see ``validate(at:)``).
    public init(
        name: String, kind: ObservableKind = .continuous, interval: ConfigInterval,
        projectionF: Double = ObservableConfig.defaultProjectionF, unit: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.interval = interval
        self.projectionF = projectionF
        self.unit = unit
    }

    /// Number of categories 1 + upper − lower of an integer observable (nil for continuous ones).
    public var categoryCount: Int? {
        guard kind == .integer, interval.isFinite else { return nil }
        return Int(interval.upper - interval.lower) + 1
    }

    /// Checks the values; `path` is the observable's path, e.g. `observables[0]`.
    ///
    /// - Throws: ``ConfigError`` for an empty name, lower >= upper, a NaN end, f outside [0, 1],
    ///   or (integer) ends that are not finite integers or too many categories.
    public func validate(at path: String) throws(ConfigError) {
        guard !name.isEmpty else {
            throw .invalidValue(path: "\(path).name", expected: "a non-empty string", got: "\"\"")
        }
        let lo = interval.lower, hi = interval.upper
        let shown = "[\(formatBound(lo)), \(formatBound(hi))]"
        guard !lo.isNaN, !hi.isNaN, lo < hi else {
            throw .invalidValue(path: "\(path).interval", expected: "lower < upper", got: shown)
        }
        switch kind {
        case .continuous:
            guard projectionF >= 0, projectionF <= 1 else {
                throw .invalidValue(
                    path: "\(path).projection_f", expected: "a number in [0, 1]", got: formatBound(projectionF))
            }
        case .integer:
            guard lo.isFinite, hi.isFinite, lo == lo.rounded(), hi == hi.rounded() else {
                throw .invalidValue(
                    path: "\(path).interval", expected: "finite integer ends for an integer observable", got: shown)
            }
            guard hi - lo < Double(Self.maxCategories) else {
                throw .invalidValue(
                    path: "\(path).interval",
                    expected: "at most \(Self.maxCategories) categories (upper - lower < \(Self.maxCategories))", got: shown)
            }
        }
    }

    /// Decodes and validates an observable; `projection_f` is rejected for integer observables.
    public init(from decoder: any Decoder) throws {
        let reader = try ConfigObjectReader(decoder, known: Self.keys)
        let name = try reader.required("name", String.self, expected: "a string")
        let kindText = try reader.optional("kind", String.self, expected: "a string") ?? ObservableKind.continuous.rawValue
        guard let kind = ObservableKind(rawValue: kindText) else {
            throw ConfigError.invalidValue(
                path: reader.path("kind"), expected: "\"continuous\" or \"integer\"", got: "\"\(kindText)\"")
        }
        let interval = try reader.required(
            "interval", ConfigInterval.self, expected: "an array [lower, upper] of two numbers (or \"-inf\"/\"inf\")")
        let f = try reader.optional("projection_f", Double.self, expected: "a number")
        if kind == .integer, f != nil {
            throw ConfigError.invalidValue(
                path: reader.path("projection_f"),
                expected: "no projection_f for an integer observable (integers are not projected); remove the key",
                got: formatBound(f ?? 0))
        }
        let unit = try reader.optional("unit", String.self, expected: "a string")
        self.init(name: name, kind: kind, interval: interval, projectionF: f ?? Self.defaultProjectionF, unit: unit)
        try validate(at: configPath(decoder.codingPath))
    }

    /// Encodes the observable; `projection_f` only for continuous observables.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(name, forKey: ConfigKey("name"))
        try c.encode(kind, forKey: ConfigKey("kind"))
        try c.encode(interval, forKey: ConfigKey("interval"))
        if kind == .continuous { try c.encode(projectionF, forKey: ConfigKey("projection_f")) }
        if let unit { try c.encode(unit, forKey: ConfigKey("unit")) }
    }
}
