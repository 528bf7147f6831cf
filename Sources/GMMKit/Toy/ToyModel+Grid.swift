/// Events sampled from the toy model at several parameter points, in matching rows.
public struct ToyDataset: Sendable, Equatable {
    /// The events, row-major, shape `[N, 4]`.
    public var x: [Double]
    /// Each event's parameter point (cx, cy), row-major, shape `[N, 2]`.
    public var theta: [Double]

    /// The number of events N.
    public var count: Int { x.count / ToyModel.observableCount }

    /// Creates a data set from matching rows.
    /// - Precondition: `x.count == 4 N` and `theta.count == 2 N` for the same N.
    public init(x: [Double], theta: [Double]) {
        precondition(
            x.count % ToyModel.observableCount == 0
                && x.count / ToyModel.observableCount * ToyModel.parameterCount == theta.count,
            "ToyDataset: x must be [N, 4] and theta [N, 2], got \(x.count) and \(theta.count) values")
        self.x = x
        self.theta = theta
    }
}

extension ToyModel {
    /// The values of cx and cy on the paper's training grid: -1.5, -1, ..., 1.5 (7 values).
    public static let trainingGridValues: [Double] = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]

    /// The values of cx and cy on the extended grid of Figure 15 (b): the training values
    /// plus -0.2 and 0.2 (9 values).
    public static let extendedTrainingGridValues: [Double] = [-1.5, -1, -0.5, -0.2, 0, 0.2, 0.5, 1, 1.5]

    /// The 49 training points of Section 6: every (cx, cy) with both in
    /// `trainingGridValues`, cx varying slowest. Shape `[49]`.
    public static let trainingGrid: [Parameter] = grid(trainingGridValues)

    /// The 81 training points of Figure 15 (b): every (cx, cy) with both in
    /// `extendedTrainingGridValues`, cx varying slowest. Shape `[81]`.
    public static let extendedTrainingGrid: [Parameter] = grid(extendedTrainingGridValues)

    /// The 9 true parameter points of the inference test, cx, cy in {-0.8, 0, 0.8} (ERRATA 6).
    public static let inferenceTestPoints: [Parameter] = grid([-0.8, 0, 0.8])

    /// Every (cx, cy) with both in `values`, cx varying slowest. Shape `[values.count^2]`.
    public static func grid(_ values: [Double]) -> [Parameter] {
        values.flatMap { cx in values.map { cy in Parameter(cx: cx, cy: cy) } }
    }

    /// Samples `eventsPerPoint` events at each point of `grid`.
    ///
    /// Point j is sampled from its own generator `SeededGenerator(seed: seed, stream: j)`, so
    /// a point's events depend only on the seed and its position in the grid.
    ///
    /// - Parameters:
    ///   - eventsPerPoint: events per grid point, >= 0 (50 000 in the paper).
    ///   - grid: the parameter points, shape `[P]`.
    ///   - seed: the seed of all randomness.
    /// - Returns: N = P * eventsPerPoint rows, grouped by point in grid order: `x` is
    ///   `[N, 4]` and `theta` is `[N, 2]`.
    /// - Throws: `ToyModelError` when a point is outside the domain or the count is negative.
    public func makeDataset(eventsPerPoint: Int, grid: [Parameter], seed: UInt64) throws -> ToyDataset {
        guard eventsPerPoint >= 0 else {
            throw ToyModelError.negativeCount(field: "eventsPerPoint", got: eventsPerPoint)
        }
        var x: [Double] = []
        var theta: [Double] = []
        x.reserveCapacity(grid.count * eventsPerPoint * Self.observableCount)
        theta.reserveCapacity(grid.count * eventsPerPoint * Self.parameterCount)
        for (j, point) in grid.enumerated() {
            var rng = SeededGenerator(seed: seed, stream: UInt64(j))
            x += try sample(n: eventsPerPoint, cx: point.cx, cy: point.cy, rng: &rng)
            for _ in 0..<eventsPerPoint {
                theta.append(point.cx)
                theta.append(point.cy)
            }
        }
        return ToyDataset(x: x, theta: theta)
    }
}
