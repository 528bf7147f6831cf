import GMMCompute

/// How close a model of the Appendix-A toy is to the truth: KL(p_true ‖ p_model) =
/// E_true[log p_true − log p_model] in nats per event, in data space, on fresh events.
public struct ToyAccuracy: Sendable {
    /// The result at one θ.
    public struct Point: Sendable, Codable {
        /// θ = (cx, cy).
        public var cx: Double
        public var cy: Double
        /// The KL estimate, nats/event.
        public var kl: Double
        /// Its standard error (from the spread of log p_true − log p_model).
        public var standardError: Double
        /// Fresh events used.
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case cx, cy, kl, events
            case standardError = "standard_error"
        }
    }

    /// The θ points of the benchmark: on the grid (0, 0), (0.8, 0.8) — between grid points —
    /// (−0.8, 0), (0.2, −0.5) off the grid, and the corner (1.5, 1.5).
    public static let benchmarkPoints: [ToyModel.Parameter] = [
        .init(cx: 0, cy: 0), .init(cx: 0.8, cy: 0.8), .init(cx: -0.8, cy: 0), .init(cx: 0.2, cy: -0.5), .init(cx: 1.5, cy: 1.5),
    ]

    /// KL at each point from `events` fresh toy events (seeded), evaluated on `device`.
    public static func evaluate(_ model: DensityModel, points: [ToyModel.Parameter] = benchmarkPoints, events: Int = 50_000,
                                seed: UInt64 = 2024, device: Device) throws -> [Point] {
        let toy = ToyModel()
        return try points.enumerated().map { index, point in
            var rng = SeededGenerator(seed: seed, stream: UInt64(index))
            let x = try toy.sample(n: events, cx: point.cx, cy: point.cy, rng: &rng)
            let truth = toy.logDensities(events: x, cx: point.cx, cy: point.cy)
            let modelled = try model.logProb(x, theta: [point.cx, point.cy], device: device)
            var sum = 0.0, sumSquares = 0.0
            for (t, m) in zip(truth, modelled) {
                let difference = t - m
                sum += difference
                sumSquares += difference * difference
            }
            let mean = sum / Double(events)
            let variance = max(0, sumSquares / Double(events) - mean * mean)
            return Point(cx: point.cx, cy: point.cy, kl: mean, standardError: (variance / Double(events)).squareRoot(), events: events)
        }
    }
}
