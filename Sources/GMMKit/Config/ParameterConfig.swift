/// The external parameters θ of a model description.
///
/// File keys: `names` (array of unique non-empty strings, default empty), `reference`
/// (array of finite numbers, one per name: the θ at which the latent projection is built;
/// required iff `names` is non-empty), `projection_from` (`reference`, `nearest` or `all`:
/// which events build the projection, default `reference`) and `projection_events` (with
/// `nearest`: how many, default 20,000).
public struct ParameterConfig: Sendable, Equatable, Codable {
    static let keys = ["names", "reference", "projection_from", "projection_events"]

    /// Parameter names, shape `[N_θ]`.
    public var names: [String]
    /// Reference θ, shape `[N_θ]`.
    public var reference: [Double]
    /// Which events build the latent projection.
    public var projectionFrom: ProjectionSource = .reference
    /// With ``ProjectionSource/nearest``: the number of events nearest the reference θ (>= 1).
    public var projectionEvents: Int = 20_000

    /// Creates a parameter description without validation (see ``validate(at:)``).
    public init(names: [String] = [], reference: [Double] = []) {
        self.names = names
        self.reference = reference
    }

    /// N_θ, the number of parameters.
    public var count: Int { names.count }

    /// Checks the values; `path` is the section's path (normally `parameters`).
    ///
    /// - Throws: ``ConfigError`` for empty or duplicate names, non-finite reference values, or a
    ///   reference whose length differs from the number of names.
    public func validate(at path: String = "parameters") throws(ConfigError) {
        var firstIndex: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            guard !name.isEmpty else {
                throw .invalidValue(path: "\(path).names[\(i)]", expected: "a non-empty string", got: "\"\"")
            }
            if let first = firstIndex[name] {
                throw .duplicateName(path: "\(path).names[\(i)]", name: name, firstPath: "\(path).names[\(first)]")
            }
            firstIndex[name] = i
        }
        guard reference.count == names.count else {
            throw .invalidValue(
                path: "\(path).reference",
                expected: "\(names.count) value\(names.count == 1 ? "" : "s") (one per entry of \(path).names)",
                got: "\(reference.count) value\(reference.count == 1 ? "" : "s")")
        }
        for (i, value) in reference.enumerated() where !value.isFinite {
            throw .invalidValue(path: "\(path).reference[\(i)]", expected: "a finite number", got: formatBound(value))
        }
        guard projectionEvents >= 1 else {
            throw .invalidValue(path: "\(path).projection_events", expected: "an integer >= 1", got: "\(projectionEvents)")
        }
    }

    /// Decodes and validates the section.
    public init(from decoder: any Decoder) throws {
        let reader = try ConfigObjectReader(decoder, known: Self.keys)
        let names = try reader.optionalArray(
            "names", of: String.self, expected: "an array of strings", expectedElement: "a string") ?? []
        let reference = try reader.optionalArray(
            "reference", of: Double.self, expected: "an array of numbers", expectedElement: "a number")
        if reference == nil, !names.isEmpty {
            throw ConfigError.missingKey(
                path: reader.path("reference"),
                expected: "an array of \(names.count) numbers (the reference θ for the projection)")
        }
        self.init(names: names, reference: reference ?? [])
        if let text = try reader.optional("projection_from", String.self, expected: "a string") {
            guard let source = ProjectionSource(rawValue: text) else {
                throw ConfigError.invalidValue(path: reader.path("projection_from"), expected: "reference, nearest or all", got: "'\(text)'")
            }
            projectionFrom = source
        }
        projectionEvents = try reader.optional("projection_events", Int.self, expected: "an integer") ?? projectionEvents
        try validate(at: decoder.codingPath.isEmpty ? "parameters" : configPath(decoder.codingPath))
    }

    private enum CodingKeys: String, CodingKey {
        case names, reference
        case projectionFrom = "projection_from"
        case projectionEvents = "projection_events"
    }
}

/// Which events build the latent projection of each continuous observable. Any choice gives an
/// exactly normalised model (the projection is a fixed monotone map); it decides where the
/// latent density is flattest, so what the networks must learn.
public enum ProjectionSource: String, Sendable, Codable, CaseIterable {
    /// The events at exactly the reference θ (a grid of simulated points, the paper's design):
    /// the latent density is flat there.
    case reference
    /// The `projection_events` events nearest the reference θ (θ scaled by each parameter's
    /// training range): for θ drawn per event, where no event sits exactly at the reference.
    case nearest
    /// Every event, pooled over θ: the latent density is flat on average over the training θ.
    case all
}
