/// Training constants (defaults: Table 5 and the toy-model training scheme described with it).
///
/// File keys (all optional): `batch_size` (500), `learning_rate` (0.001), `lr_update_factor` (0.5),
/// `lr_patience` (2), `lr_monitor` (`validation`), `max_epochs` (400), `early_stopping_patience` (8),
/// `early_stopping_min_delta` (1e-6), `validation_fraction` (0.4), `seed` (0), `theta_noise` (0).
public struct TrainingConfig: Sendable, Equatable, Codable {
    static let keys = [
        "batch_size", "learning_rate", "lr_update_factor", "lr_patience", "lr_monitor", "max_epochs",
        "early_stopping_patience", "early_stopping_min_delta", "validation_fraction", "seed", "theta_noise", "validation",
    ]

    /// Events per minibatch (>= 1).
    public var batchSize: Int
    /// Initial Adam learning rate λ_lr (> 0).
    public var learningRate: Double
    /// Factor applied to λ_lr when the training loss stalls, in (0, 1).
    public var lrUpdateFactor: Double
    /// Epochs without improvement of the monitored loss before λ_lr is reduced (>= 1).
    public var lrPatience: Int
    /// The loss whose plateau reduces λ_lr: the training loss (the paper) or the validation loss.
    public var lrMonitor: LearningRateMonitor
    /// Maximum number of epochs (>= 1).
    public var maxEpochs: Int
    /// Epochs without validation improvement before stopping (>= 1).
    public var earlyStoppingPatience: Int
    /// Smallest validation-loss decrease that counts as an improvement (>= 0).
    public var earlyStoppingMinDelta: Double
    /// Fraction of events held out for validation, in (0, 1).
    public var validationFraction: Double
    /// Seed for initialisation, shuffling and the validation split.
    public var seed: UInt64
    /// The standard deviation of Gaussian noise added to each training event's θ, fresh every
    /// epoch, in units of each parameter's grid spacing (the median gap between neighbouring
    /// values of that parameter among the θ points; no noise for a parameter with one value or
    /// drawn per event). 0: θ as simulated. Noise on the conditioning variable is a smoothness
    /// penalty on the density's dependence on θ (noise regularisation): the networks cannot
    /// learn one θ point's sampling noise as a θ-dependence, because the events of
    /// neighbouring points overlap in θ. Validation events keep their θ.
    public var thetaNoise: Double = 0
    /// Which events validate (early stopping, the learning-rate schedule, the best epoch).
    public var validation: TrainingValidation = .events

    /// Creates training constants (defaults as documented on the type) without validation.
    public init(
        batchSize: Int = 500, learningRate: Double = 0.001, lrUpdateFactor: Double = 0.5, lrPatience: Int = 2,
        lrMonitor: LearningRateMonitor = .validation, maxEpochs: Int = 400, earlyStoppingPatience: Int = 8, earlyStoppingMinDelta: Double = 1e-6,
        validationFraction: Double = 0.4, seed: UInt64 = 0
    ) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.lrUpdateFactor = lrUpdateFactor
        self.lrPatience = lrPatience
        self.lrMonitor = lrMonitor
        self.maxEpochs = maxEpochs
        self.earlyStoppingPatience = earlyStoppingPatience
        self.earlyStoppingMinDelta = earlyStoppingMinDelta
        self.validationFraction = validationFraction
        self.seed = seed
    }

    /// Checks the values; `path` is the section's path (normally `training`).
    ///
    /// - Throws: ``ConfigError`` for a value outside the range given on its property.
    public func validate(at path: String = "training") throws(ConfigError) {
        func atLeastOne(_ value: Int, _ key: String) throws(ConfigError) {
            guard value >= 1 else {
                throw .invalidValue(path: "\(path).\(key)", expected: "an integer >= 1", got: "\(value)")
            }
        }
        try atLeastOne(batchSize, "batch_size")
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidValue(
                path: "\(path).learning_rate", expected: "a finite number > 0", got: formatBound(learningRate))
        }
        guard lrUpdateFactor > 0, lrUpdateFactor < 1 else {
            throw .invalidValue(
                path: "\(path).lr_update_factor", expected: "a number in (0, 1)", got: formatBound(lrUpdateFactor))
        }
        try atLeastOne(lrPatience, "lr_patience")
        try atLeastOne(maxEpochs, "max_epochs")
        try atLeastOne(earlyStoppingPatience, "early_stopping_patience")
        guard earlyStoppingMinDelta.isFinite, earlyStoppingMinDelta >= 0 else {
            throw .invalidValue(
                path: "\(path).early_stopping_min_delta", expected: "a finite number >= 0",
                got: formatBound(earlyStoppingMinDelta))
        }
        guard thetaNoise.isFinite, thetaNoise >= 0 else {
            throw .invalidValue(path: "\(path).theta_noise", expected: "a finite number >= 0 (grid spacings)", got: formatBound(thetaNoise))
        }
        guard validationFraction > 0, validationFraction < 1 else {
            throw .invalidValue(
                path: "\(path).validation_fraction", expected: "a number in (0, 1)",
                got: formatBound(validationFraction))
        }
    }

    /// Decodes and validates the section; absent keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let r = try ConfigObjectReader(decoder, known: Self.keys)
        let d = TrainingConfig()
        let int = "an integer", number = "a number"
        self.init(
            batchSize: try r.optional("batch_size", Int.self, expected: int) ?? d.batchSize,
            learningRate: try r.optional("learning_rate", Double.self, expected: number) ?? d.learningRate,
            lrUpdateFactor: try r.optional("lr_update_factor", Double.self, expected: number) ?? d.lrUpdateFactor,
            lrPatience: try r.optional("lr_patience", Int.self, expected: int) ?? d.lrPatience,
            lrMonitor: try Self.monitor(r.optional("lr_monitor", String.self, expected: "a string"), path: r.path("lr_monitor"))
                ?? d.lrMonitor,
            maxEpochs: try r.optional("max_epochs", Int.self, expected: int) ?? d.maxEpochs,
            earlyStoppingPatience: try r.optional("early_stopping_patience", Int.self, expected: int)
                ?? d.earlyStoppingPatience,
            earlyStoppingMinDelta: try r.optional("early_stopping_min_delta", Double.self, expected: number)
                ?? d.earlyStoppingMinDelta,
            validationFraction: try r.optional("validation_fraction", Double.self, expected: number)
                ?? d.validationFraction,
            seed: try r.optional("seed", UInt64.self, expected: "a non-negative integer") ?? d.seed)
        thetaNoise = try r.optional("theta_noise", Double.self, expected: number) ?? d.thetaNoise
        if let text = try r.optional("validation", String.self, expected: "a string") {
            guard let value = TrainingValidation(rawValue: text) else {
                throw ConfigError.invalidValue(path: r.path("validation"), expected: "events or theta_points", got: "'\(text)'")
            }
            validation = value
        }
        try validate(at: decoder.codingPath.isEmpty ? "training" : configPath(decoder.codingPath))
    }

    /// The ``LearningRateMonitor`` named `text`, or an error naming `path`.
    private static func monitor(_ text: String?, path: String) throws(ConfigError) -> LearningRateMonitor? {
        guard let text else { return nil }
        guard let monitor = LearningRateMonitor(rawValue: text) else {
            throw .invalidValue(path: path, expected: "\"training\" or \"validation\"", got: "\"\(text)\"")
        }
        return monitor
    }

    private enum CodingKeys: String, CodingKey {
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case lrUpdateFactor = "lr_update_factor"
        case lrPatience = "lr_patience"
        case lrMonitor = "lr_monitor"
        case maxEpochs = "max_epochs"
        case earlyStoppingPatience = "early_stopping_patience"
        case earlyStoppingMinDelta = "early_stopping_min_delta"
        case validationFraction = "validation_fraction"
        case seed
        case thetaNoise = "theta_noise"
        case validation
    }
}

/// Which events validate a training run.
public enum TrainingValidation: String, Sendable, Codable, CaseIterable {
    /// A random `validation_fraction` of the events (at every θ point): the loss measures the
    /// fit at the simulated θ.
    case events
    /// Every event of every other interior θ point (``DensityModel``'s `validationPoints`): the
    /// loss measures the model between the θ points it trained on — interpolation, what
    /// inference at an unsimulated θ needs. Those points do not train the model.
    case thetaPoints = "theta_points"
}

/// Which loss's plateau reduces the learning rate.
public enum LearningRateMonitor: String, Sendable, Codable, CaseIterable {
    /// The training loss, as the paper's text says: with large data sets it keeps improving by
    /// tiny amounts, so the rate may never fall before early stopping ends training (on the toy
    /// at 50k events per point it never did, and the model stalled at a mean KL of 0.011).
    case training
    /// The validation loss (the default; Keras's `ReduceLROnPlateau` on `val_loss`): the rate
    /// falls as soon as the noisy validation loss stalls (the toy reached a mean KL of 0.009).
    case validation
}
