/// A user's model description: observables, parameters, latent target, network and training constants.
///
/// File layout (snake_case keys; JSON or YAML, see ``fromJSON(_:)-(String)`` and ``fromYAML(_:)``):
///
///     observables:            # required, non-empty, autoregressive order
///       - {name: mjj, kind: continuous, interval: [0, inf], projection_f: 0.2}
///       - {name: njet, kind: integer, interval: [2, 6]}
///     parameters: {names: [cx, cy], reference: [0, 0]}   # optional
///     latent: {alpha: 4, beta: 3, gamma: 1, interval: [-5, 5]}   # optional
///     network: {n_gaussians: 20, ...}                    # optional, Table 5 defaults
///     training: {batch_size: 500, ...}                   # optional
///     data: [{file: sm.h5, theta: {cx: 0, cy: 0}}, ...]  # optional: training files
///
/// Decoding rejects unknown keys, wrong types and impossible values with a ``ConfigError`` that
/// names the key's path.
public struct ModelConfig: Sendable, Equatable, Codable {
    static let keys = ["observables", "parameters", "latent", "network", "training", "data"]

    /// The observables in autoregressive order, shape `[d]`.
    public var observables: [ObservableConfig]
    /// The external parameters θ and the reference θ of the projection.
    public var parameters: ParameterConfig
    /// The latent target and interval.
    public var latent: LatentConfig
    /// Network constants.
    public var network: NetworkConfig
    /// Training constants.
    public var training: TrainingConfig
    /// The training event files, each with the θ it was generated at (empty: files are given
    /// on the command line).
    public var data: [DataFileConfig]

    /// Creates a model description without validation (call ``validate()``).
    public init(
        observables: [ObservableConfig], parameters: ParameterConfig = .init(), latent: LatentConfig = .init(),
        network: NetworkConfig = .init(), training: TrainingConfig = .init(), data: [DataFileConfig] = []
    ) {
        self.observables = observables
        self.parameters = parameters
        self.latent = latent
        self.network = network
        self.training = training
        self.data = data
    }

    /// Checks every section and the rules that span sections.
    ///
    /// - Throws: ``ConfigError`` for the first problem found: an empty observable list, an invalid
    ///   observable, duplicate observable names, invalid parameters/latent/network/training values, or a
    ///   first-observable hidden width A1 + A2·N_θ of 0.
    public func validate() throws(ConfigError) {
        guard !observables.isEmpty else {
            throw .invalidValue(path: "observables", expected: "at least one observable", got: "an empty array")
        }
        var firstIndex: [String: Int] = [:]
        for (i, observable) in observables.enumerated() {
            try observable.validate(at: "observables[\(i)]")
            if let first = firstIndex[observable.name] {
                throw .duplicateName(
                    path: "observables[\(i)].name", name: observable.name, firstPath: "observables[\(first)].name")
            }
            firstIndex[observable.name] = i
        }
        try parameters.validate(at: "parameters")
        try latent.validate(at: "latent")
        try network.validate(at: "network")
        try training.validate(at: "training")
        for (i, entry) in data.enumerated() { try entry.validate(at: "data[\(i)]", parameterNames: parameters.names) }
        let firstWidth = network.a1 + network.a2 * parameters.count
        guard firstWidth >= 1 else {
            throw .invalidValue(
                path: "network.a1",
                expected: "A1 + A2 * N_theta >= 1 so that the first observable's network has a hidden layer",
                got: "a1 = \(network.a1), a2 = \(network.a2), N_theta = \(parameters.count)")
        }
    }

    /// Figure-3 widths for continuous observable `index` (0-based); nil for integer observables or an index out of range.
    public func layerWidths(forObservable index: Int) -> LayerWidths? {
        guard observables.indices.contains(index), observables[index].kind == .continuous else { return nil }
        return network.layerWidths(observableIndex: index, parameterCount: parameters.count)
    }

    /// Categorical-network widths for integer observable `index` (0-based); nil for continuous observables or an index out of range.
    public func categoricalLayerWidths(forObservable index: Int) -> CategoricalLayerWidths? {
        guard observables.indices.contains(index), let categories = observables[index].categoryCount else { return nil }
        let widths = network.layerWidths(observableIndex: index, parameterCount: parameters.count)
        return CategoricalLayerWidths(
            thetaBranch: widths.thetaBranch, latentBranch: widths.latentBranch,
            hidden: network.categoricalHidden, categories: categories)
    }

    /// Decodes and validates a model description; absent optional sections take their defaults.
    public init(from decoder: any Decoder) throws {
        let reader = try ConfigObjectReader(decoder, known: Self.keys)
        self.init(
            observables: try reader.required(
                "observables", [ObservableConfig].self, expected: "an array of observable objects"),
            parameters: try reader.optional("parameters", ParameterConfig.self, expected: "an object") ?? .init(),
            latent: try reader.optional("latent", LatentConfig.self, expected: "an object") ?? .init(),
            network: try reader.optional("network", NetworkConfig.self, expected: "an object") ?? .init(),
            training: try reader.optional("training", TrainingConfig.self, expected: "an object") ?? .init(),
            data: try reader.optional("data", [DataFileConfig].self, expected: "an array of {file, dataset, theta} objects") ?? [])
        try validate()
    }

    private enum CodingKeys: String, CodingKey { case observables, parameters, latent, network, training, data }
}
