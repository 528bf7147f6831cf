extension ToyModel {
    /// A model description for the toy with the paper's Table-5 settings (f = 0.5 for every
    /// observable, reference θ = (0, 0)), as YAML.
    public static let configYAML = """
        # Appendix-A toy of Menary & Price (2022), Table-5 settings.
        observables:
          - {name: x0, kind: continuous, interval: [100, 800], projection_f: 0.5}
          - {name: x1, kind: continuous, interval: [100, 800], projection_f: 0.5}
          - {name: x2, kind: continuous, interval: [-3.141592653589793, 3.141592653589793], projection_f: 0.5}
          - {name: x3, kind: continuous, interval: [-inf, inf], projection_f: 0.5}
        parameters: {names: [cx, cy], reference: [0, 0]}
        network: {n_gaussians: 20, a1: 50, a2: 0, b1: 50, b2: 20, c: 2, d: 3, s_f: 0.01, s_mu: 0.01, s_sigma: 0.01, f_sigma: 0.25}
        training: {batch_size: 500, learning_rate: 0.001, lr_update_factor: 0.5, lr_patience: 2, lr_monitor: validation, early_stopping_patience: 8, early_stopping_min_delta: 1.0e-6, validation_fraction: 0.4, max_epochs: 400, seed: 0}

        """

    /// ``configYAML`` parsed.
    public static func config() throws -> ModelConfig { try ModelConfig.fromYAML(configYAML) }
}
