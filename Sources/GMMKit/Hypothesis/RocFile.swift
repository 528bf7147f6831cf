/// `roc.json`: the AUC and the curve (thresholds of +∞ are written as null).
public struct RocFile: Encodable, Sendable {
    /// A corner of the curve; `threshold` is nil for +∞ (written as null).
    public struct Point: Encodable, Sendable {
        /// The score threshold (nil: +∞).
        public var threshold: Double?
        /// Background efficiency.
        public var falsePositiveRate: Double
        /// Signal efficiency.
        public var truePositiveRate: Double
        enum CodingKeys: String, CodingKey {
            case threshold
            case falsePositiveRate = "false_positive_rate"
            case truePositiveRate = "true_positive_rate"
        }

        /// Encodes every key, `threshold` as null for +∞.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(threshold, forKey: .threshold)  // null for +∞, not left out
            try c.encode(falsePositiveRate, forKey: .falsePositiveRate)
            try c.encode(truePositiveRate, forKey: .truePositiveRate)
        }
    }
    /// `gmm-gpu-roc`.
    public var format = "gmm-gpu-roc"
    /// 1.
    public var formatVersion = 1
    /// The model directory.
    public var model: String
    /// The background hypothesis θ0, [p].
    public var theta0: [Double]
    /// The signal hypothesis θ1, [p].
    public var theta1: [Double]
    /// The signal events' file (nil: drawn from the model).
    public var signal: String?
    /// The background events' file (nil: drawn from the model).
    public var background: String?
    /// Events drawn from the model per hypothesis (nil: files).
    public var eventsPerHypothesis: Int?
    /// The seed of the drawn events (nil: files).
    public var seed: UInt64?
    /// The area under the curve (all corners).
    public var auc: Double
    /// Its DeLong standard error.
    public var aucStandardError: Double
    /// Kish's effective number of signal events.
    public var signalEffectiveCount: Double
    /// Kish's effective number of background events.
    public var backgroundEffectiveCount: Double
    /// The corners of the full curve.
    public var cornersInCurve: Int
    /// The corners written (at most `--max-points`).
    public var points: [Point]

    /// The record of `curve`, with `points` the corners to write.
    public init(model: String, theta0: [Double], theta1: [Double], signal: String?, background: String?, eventsPerHypothesis: Int?, seed: UInt64?,
         curve: ROCCurve, points: [ROCCurve.Point]) {
        self.model = model
        self.theta0 = theta0
        self.theta1 = theta1
        self.signal = signal
        self.background = background
        self.eventsPerHypothesis = eventsPerHypothesis
        self.seed = seed
        auc = curve.auc
        aucStandardError = curve.aucStandardError
        signalEffectiveCount = curve.signalEffectiveCount
        backgroundEffectiveCount = curve.backgroundEffectiveCount
        cornersInCurve = curve.points.count
        self.points = points.map { Point(threshold: $0.threshold.isFinite ? $0.threshold : nil, falsePositiveRate: $0.falsePositiveRate, truePositiveRate: $0.truePositiveRate) }
    }

    enum CodingKeys: String, CodingKey {
        case format, model, theta0, theta1, signal, background, seed, auc, points
        case formatVersion = "format_version"
        case eventsPerHypothesis = "events_per_hypothesis"
        case aucStandardError = "auc_standard_error"
        case signalEffectiveCount = "signal_effective_count"
        case backgroundEffectiveCount = "background_effective_count"
        case cornersInCurve = "corners_in_curve"
    }
}
