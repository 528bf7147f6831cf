/// The receiver operating characteristic of a score that separates signal (high scores) from
/// background (low scores), with optional event weights, and its exact area.
///
/// The area under the curve is the weighted Mann–Whitney statistic
/// AUC = Σ_s Σ_b w_s w_b [1(s > b) + ½ 1(s = b)] / (W_s W_b): tied scores count one half, so
/// two identical distributions give 0.5. It is computed exactly by sorting (O(N log N)), and its
/// standard error by DeLong's method with weights (each class's placement values, variance of a
/// weighted mean).
public struct ROCCurve: Sendable, Codable, Equatable {
    /// One corner of the curve: events with score ≥ `threshold` are called signal.
    public struct Point: Sendable, Codable, Equatable {
        /// The score cut.
        public var threshold: Double
        /// Fraction of the background weight at or above the cut.
        public var falsePositiveRate: Double
        /// Fraction of the signal weight at or above the cut.
        public var truePositiveRate: Double

        enum CodingKeys: String, CodingKey {
            case threshold
            case falsePositiveRate = "false_positive_rate"
            case truePositiveRate = "true_positive_rate"
        }
    }

    /// The curve from (0, 0) (threshold +∞) to (1, 1), one point per distinct score,
    /// thresholds decreasing. Shape `[distinct scores + 1]`.
    public var points: [Point]
    /// The area under the curve, in [0, 1] for non-negative weights.
    public var auc: Double
    /// The statistical standard error of `auc` (DeLong, weighted).
    public var aucStandardError: Double
    /// Kish's effective number of signal events, (Σw)² / Σw².
    public var signalEffectiveCount: Double
    /// Kish's effective number of background events.
    public var backgroundEffectiveCount: Double

    enum CodingKeys: String, CodingKey {
        case points, auc
        case aucStandardError = "auc_standard_error"
        case signalEffectiveCount = "signal_effective_count"
        case backgroundEffectiveCount = "background_effective_count"
    }

    /// The curve of `signal` scores against `background` scores.
    ///
    /// - Parameters:
    ///   - signal: scores of signal events, `[Ns]`, finite.
    ///   - signalWeights: their weights, `[Ns]`, or nil for unit weights.
    ///   - background: scores of background events, `[Nb]`, finite.
    ///   - backgroundWeights: their weights, `[Nb]`, or nil.
    /// - Throws: ``ModelError`` when a class is empty, sizes differ, a value is not finite or a
    ///   class's total weight is not positive.
    public init(signal: [Double], signalWeights: [Double]? = nil, background: [Double], backgroundWeights: [Double]? = nil) throws {
        let (ws, totalS) = try Self.checked(signal, signalWeights, field: "signal")
        let (wb, totalB) = try Self.checked(background, backgroundWeights, field: "background")
        // Every event, highest score first.
        var order: [(score: Double, weight: Double, isSignal: Bool)] = []
        order.reserveCapacity(signal.count + background.count)
        for (s, w) in zip(signal, ws) { order.append((s, w, true)) }
        for (b, w) in zip(background, wb) { order.append((b, w, false)) }
        order.sort { $0.score > $1.score }

        // Groups of equal score: their signal and background weights and squared weights.
        struct Group { var score: Double; var s = 0.0, b = 0.0, s2 = 0.0, b2 = 0.0 }
        var groups: [Group] = []
        for event in order {
            if groups.last?.score != event.score { groups.append(Group(score: event.score)) }
            if event.isSignal {
                groups[groups.count - 1].s += event.weight
                groups[groups.count - 1].s2 += event.weight * event.weight
            } else {
                groups[groups.count - 1].b += event.weight
                groups[groups.count - 1].b2 += event.weight * event.weight
            }
        }

        var points = [Point(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        points.reserveCapacity(groups.count + 1)
        var cumulativeS = 0.0, cumulativeB = 0.0, area = 0.0
        // Placement values: a signal event's share of background below it (ties ½), a
        // background event's share of signal above it (ties ½).
        var signalPlacement: [Double] = [], backgroundPlacement: [Double] = []
        signalPlacement.reserveCapacity(groups.count)
        backgroundPlacement.reserveCapacity(groups.count)
        for g in groups {
            area += g.b * (cumulativeS + 0.5 * g.s)
            signalPlacement.append((totalB - cumulativeB - 0.5 * g.b) / totalB)
            backgroundPlacement.append((cumulativeS + 0.5 * g.s) / totalS)
            cumulativeS += g.s
            cumulativeB += g.b
            points.append(Point(threshold: g.score, falsePositiveRate: cumulativeB / totalB, truePositiveRate: cumulativeS / totalS))
        }
        let auc = area / (totalS * totalB)
        var variance = 0.0
        for (k, g) in groups.enumerated() {
            let v = signalPlacement[k] - auc, u = backgroundPlacement[k] - auc
            variance += g.s2 * v * v / (totalS * totalS) + g.b2 * u * u / (totalB * totalB)
        }
        self.points = points
        self.auc = auc
        aucStandardError = variance.squareRoot()
        signalEffectiveCount = effectiveSampleSize(ws)
        backgroundEffectiveCount = effectiveSampleSize(wb)
    }

    /// At most `maxPoints` (≥ 2) corners of the curve, evenly spaced in rank, the first
    /// (0, 0) and the last (1, 1) always among them: for files and plots of curves with many
    /// distinct scores (``auc`` is computed from every corner).
    public func thinned(to maxPoints: Int) -> [Point] {
        let n = points.count, m = Swift.max(2, maxPoints)
        guard n > m else { return points }
        return (0..<m).map { k in points[Int((Double(k) * Double(n - 1) / Double(m - 1)).rounded())] }
    }

    /// Weights (unit when nil) checked against the scores; returns them and their total.
    static func checked(_ scores: [Double], _ weights: [Double]?, field: String) throws -> ([Double], Double) {
        guard !scores.isEmpty else { throw ModelError.empty(field: field) }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFinite(field: "\(field) scores", row: bad, column: 0, value: scores[bad])
        }
        let w = weights ?? [Double](repeating: 1, count: scores.count)
        guard w.count == scores.count else {
            throw ModelError.shapeMismatch(field: "\(field) weights", expected: "[\(scores.count)] (one per score)", got: "\(w.count) values")
        }
        if let bad = w.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFinite(field: "\(field) weights", row: bad, column: 0, value: w[bad])
        }
        let total = w.reduce(0, +)
        guard total > 0 else { throw ModelError.nonPositiveWeight(field: "\(field) weights", total: total) }
        return (w, total)
    }
}
