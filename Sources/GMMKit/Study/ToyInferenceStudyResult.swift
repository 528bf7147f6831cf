/// One data set's comparison in a ``ToyInferenceStudy``: both fits, both 2-D scans on the same
/// grid, the regions' contours and their intersection over union.
public struct ToyInferenceScan: Codable, Sendable, Equatable {
    /// The data set's index among the point's pseudo-datasets.
    public var dataset: Int
    /// The fit with the true density (data space).
    public var truthFit: FitResult
    /// The fit with the model (latent space).
    public var modelFit: FitResult
    /// −2Δln L of the true density on the grid.
    public var truthScan: Scan2D
    /// −2Δln L of the model on the same grid.
    public var modelScan: Scan2D
    /// The true density's region boundaries per confidence level: `[L][lines][points][2]`.
    public var truthContours: [[[[Double]]]]
    /// The model's region boundaries per confidence level.
    public var modelContours: [[[[Double]]]]
    /// IoU of the model's and the truth's region per confidence level, `[L]`.
    public var intersectionOverUnion: [Double]

    enum CodingKeys: String, CodingKey {
        case dataset
        case truthFit = "truth_fit"
        case modelFit = "model_fit"
        case truthScan = "truth_scan"
        case modelScan = "model_scan"
        case truthContours = "truth_contours"
        case modelContours = "model_contours"
        case intersectionOverUnion = "intersection_over_union"
    }
}

/// One true point of a ``ToyInferenceStudy``.
public struct ToyInferencePointResult: Codable, Sendable, Equatable {
    /// (cx, cy) true.
    public var trueTheta: [Double]
    /// Coverage, bias and pulls of the true density's fits.
    public var truthCalibration: CalibrationResult
    /// The same for the model's fits of the same data sets.
    public var modelCalibration: CalibrationResult
    /// |θ̂_model − θ̂_true| / σ_true for each parameter of each data set both fitted.
    public var mleDistances: [Double]
    /// The scanned data sets.
    public var scans: [ToyInferenceScan]

    /// The median of ``mleDistances``.
    public var medianMLEDistance: Double { median(mleDistances) }

    enum CodingKeys: String, CodingKey {
        case scans
        case trueTheta = "true_theta"
        case truthCalibration = "truth_calibration"
        case modelCalibration = "model_calibration"
        case mleDistances = "mle_distances"
    }
}

/// The figures of a ``ToyInferenceStudy`` against its targets.
public struct ToyInferenceSummary: Codable, Sendable, Equatable {
    /// Median over all points, data sets and both parameters of |θ̂_model − θ̂_true| / σ_true
    /// (target ≤ 0.2); nil when no data set was fitted by both densities with a Hesse error.
    public var medianMLEDistance: Double?
    /// Mean IoU of the model's and truth's regions over the scanned data sets, per level
    /// (targets: ≥ 0.85 at 68%, ≥ 0.9 at 95%); nil when no data set was scanned.
    public var meanIntersectionOverUnion: [Double?]
    /// Coverage pooled over all points, per level: the true density's and the model's.
    public var truthCoverage: [Double]
    public var modelCoverage: [Double]
    /// The binomial error of a pooled coverage, per level.
    public var pooledCoverageErrors: [Double]
    /// The largest |model − truth| coverage difference over the points, per level
    /// (target ≤ 0.03).
    public var maxCoverageDifference: [Double]
    /// Whether each target is met: MLE distance, IoU per level, coverage per level (pooled);
    /// nil where the figure was not measured (no scanned data set, no distance).
    public var mleTargetMet: Bool?
    public var iouTargetsMet: [Bool?]
    public var coverageTargetsMet: [Bool]

    enum CodingKeys: String, CodingKey {
        case medianMLEDistance = "median_mle_distance"
        case meanIntersectionOverUnion = "mean_intersection_over_union"
        case truthCoverage = "truth_coverage"
        case modelCoverage = "model_coverage"
        case pooledCoverageErrors = "pooled_coverage_errors"
        case maxCoverageDifference = "max_coverage_difference"
        case mleTargetMet = "mle_target_met"
        case iouTargetsMet = "iou_targets_met"
        case coverageTargetsMet = "coverage_targets_met"
    }
}

/// The result of a ``ToyInferenceStudy``.
public struct ToyInferenceStudyResult: Codable, Sendable, Equatable {
    /// The settings it ran with.
    public var settings: ToyInferenceStudy.Settings
    /// One result per true point.
    public var points: [ToyInferencePointResult]
    /// The figures against the targets.
    public var summary: ToyInferenceSummary

    /// The IoU targets at 68% and 95%; other levels get the 95% one.
    public static func iouTarget(confidenceLevel: Double) -> Double { confidenceLevel < 0.9 ? 0.85 : 0.9 }
    /// The MLE-distance target (median, in Hesse errors of the truth).
    public static let mleTarget = 0.2
    /// The coverage target: model within this of the truth.
    public static let coverageTarget = 0.03

    /// Collects the points and computes the summary.
    public init(settings: ToyInferenceStudy.Settings, points: [ToyInferencePointResult]) {
        self.settings = settings
        self.points = points
        let levels = settings.confidenceLevels
        let distances = points.flatMap(\.mleDistances)
        let ious = levels.indices.map { l in points.flatMap { $0.scans.map { $0.intersectionOverUnion[l] } } }
        func pooled(_ calibration: (ToyInferencePointResult) -> CalibrationResult, _ l: Int) -> Double {
            var covered = 0.0, total = 0.0
            for p in points {
                let c = calibration(p)
                covered += c.coverage[l] * Double(c.testStatistics.count)
                total += Double(c.testStatistics.count)
            }
            return total > 0 ? covered / total : .nan
        }
        let truthCoverage = levels.indices.map { pooled(\.truthCalibration, $0) }
        let modelCoverage = levels.indices.map { pooled(\.modelCalibration, $0) }
        let fits = Double(points.reduce(0) { $0 + $1.truthCalibration.testStatistics.count })
        let meanIoU = ious.map { $0.isEmpty ? nil : $0.reduce(0, +) / Double($0.count) }
        let median = distances.isEmpty ? nil : median(distances)
        summary = ToyInferenceSummary(
            medianMLEDistance: median,
            meanIntersectionOverUnion: meanIoU,
            truthCoverage: truthCoverage, modelCoverage: modelCoverage,
            pooledCoverageErrors: levels.map { fits > 0 ? ($0 * (1 - $0) / fits).squareRoot() : .nan },
            maxCoverageDifference: levels.indices.map { l in points.map { Swift.abs($0.modelCalibration.coverage[l] - $0.truthCalibration.coverage[l]) }.max() ?? .nan },
            mleTargetMet: median.map { $0 <= Self.mleTarget },
            iouTargetsMet: zip(levels, meanIoU).map { level, iou in iou.map { $0 >= Self.iouTarget(confidenceLevel: level) } },
            coverageTargetsMet: zip(truthCoverage, modelCoverage).map { Swift.abs($0 - $1) <= Self.coverageTarget })
    }
}

/// The median of `values` (NaN when empty).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let m = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m])
}
