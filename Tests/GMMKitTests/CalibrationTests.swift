import FoundationEssentials
import Testing
@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// −ln L of two independent unit-width Gaussian means: ½ Σ_i |x_i − μ|² for events x_i [N, 2].
/// t at the true μ is N|x̄ − μ|², exactly χ²₂: Wilks holds exactly.
struct GaussianMeanLikelihood: NegativeLogLikelihood, Sendable {
    let data: [Double]
    var parameterNames: [String] { ["mu1", "mu2"] }

    func value(_ theta: [Double]) throws -> Double {
        var total = 0.0
        for i in stride(from: 0, to: data.count, by: 2) {
            let a = data[i] - theta[0], b = data[i + 1] - theta[1]
            total += 0.5 * (a * a + b * b)
        }
        return total
    }

    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        var g = [0.0, 0.0]
        for i in stride(from: 0, to: data.count, by: 2) {
            g[0] -= data[i] - theta[0]
            g[1] -= data[i + 1] - theta[1]
        }
        return (try value(theta), g)
    }
}

@Suite struct CoverageCalibrationTests {
    @Test("Gaussian means: Wilks coverage is nominal within its binomial error; no bias; pulls N(0, 1)")
    func gaussianMean() throws {
        let truth = [0.3, -1.2]
        var rng = TestRandom(seed: 21)
        let datasets = (0..<1500).map { _ in (0..<40).flatMap { _ in [truth[0] + rng.normal(), truth[1] + rng.normal()] } }
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu1", lower: -10, upper: 10), FitParameter(name: "mu2", lower: -10, upper: 10)])
        let calibration = CoverageCalibration(trueTheta: truth, fit: fit, confidenceLevels: [0.68, 0.95], concurrent: true)
        let result = try calibration.run(datasets: datasets) { GaussianMeanLikelihood(data: $0) }
        #expect(result.failedFits == 0 && result.convergedFits == 1500)
        #expect(result.degreesOfFreedom == 2)
        #expect(abs(result.thresholds[1] - 5.991) < 1e-3)
        for (c, (level, error)) in zip(result.coverage, zip(result.confidenceLevels, result.coverageErrors)) {
            #expect(abs(c - level) < 3 * error, "coverage \(c) at \(level) ± \(error)")
        }
        // t ~ χ²₂: mean 2 ± 2/√1500.
        #expect(abs(result.meanTestStatistic - 2) < 4 * 2 / 1500.0.squareRoot(), "mean t \(result.meanTestStatistic)")
        for j in 0..<2 {
            #expect(abs(result.bias[j]) < 4 * result.biasErrors[j])
            #expect(abs(result.pullMean[j]) < 4 / 1500.0.squareRoot())
            #expect(abs(result.pullWidth[j] - 1) < 0.06, "pull width \(result.pullWidth[j])")
        }
        // Each t is N|x̄ − μ|² exactly (to the fit's precision).
        let first = datasets[0]
        var sum1 = 0.0, sum2 = 0.0
        for i in 0..<40 {
            sum1 += first[2 * i]
            sum2 += first[2 * i + 1]
        }
        let d1 = sum1 / 40 - truth[0], d2 = sum2 / 40 - truth[1]
        let exact = 40 * (d1 * d1 + d2 * d2)
        #expect(abs(result.fits[0].testStatistic - exact) < 1e-3)
    }

    @Test("a biased likelihood is caught: coverage collapses and the bias is measured")
    func biased() throws {
        let truth = [0.0, 0.0]
        var rng = TestRandom(seed: 4)
        // Data actually centred at (0.5, 0): with N = 40 the shift is 3.2σ of the mean.
        let datasets = (0..<300).map { _ in (0..<40).flatMap { _ in [0.5 + rng.normal(), rng.normal()] } }
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu1", lower: -10, upper: 10), FitParameter(name: "mu2", lower: -10, upper: 10)])
        let result = try CoverageCalibration(trueTheta: truth, fit: fit, confidenceLevels: [0.68]).run(datasets: datasets) { GaussianMeanLikelihood(data: $0) }
        #expect(result.coverage[0] < 0.2)
        #expect(abs(result.bias[0] - 0.5) < 4 * result.biasErrors[0])
    }

    @Test("toy pseudo-datasets are reproducible from the seed and independent of the core count")
    func toyDatasets() throws {
        let a = try PseudoDatasets.toy(cx: 0.8, cy: -0.8, events: 50, count: 20, seed: 3)
        let b = try PseudoDatasets.toy(cx: 0.8, cy: -0.8, events: 50, count: 25, seed: 3)
        #expect(a == Array(b.prefix(20)))
        var rng = SeededGenerator(seed: 3, stream: 7)
        #expect(a[7] == (try ToyModel().sample(n: 50, cx: 0.8, cy: -0.8, rng: &rng)))
        #expect(throws: ToyModelError.parameterOutsideDomain(cx: 3, cy: 0)) { try PseudoDatasets.toy(cx: 3, cy: 0, events: 5, count: 2, seed: 1) }
    }
}

@Suite struct RegionOverlapTests {
    /// A scan whose −2Δln L is |θ − centre|²/σ² on a grid: the Wilks region is a disc of
    /// radius σ√threshold.
    func bowl(centre: [Double], sigma: Double, grid: [Double]) -> Scan2D {
        let values = grid.map { y in grid.map { x in ((x - centre[0]) * (x - centre[0]) + (y - centre[1]) * (y - centre[1])) / (sigma * sigma) } }
        return Scan2D(xParameter: "a", yParameter: "b", x: grid, y: grid, deltaTwoNLL: values, minimumNLL: 0, bestFit: centre, allConverged: true)
    }

    /// The IoU of two discs of radius r whose centres are d apart.
    func discIoU(r: Double, d: Double) -> Double {
        guard d < 2 * r else { return 0 }
        let lens = 2 * r * r * acos(d / (2 * r)) - 0.5 * d * (4 * r * r - d * d).squareRoot()
        return lens / (2 * Double.pi * r * r - lens)
    }

    @Test("two offset discs: IoU equals the lens formula; identical regions give 1", arguments: [0.0, 0.3, 1.0, 2.5])
    func discs(offset: Double) throws {
        let grid = (0...120).map { -4 + 8 * Double($0) / 120 }
        for level in [0.68, 0.95] {
            let a = try bowl(centre: [0, 0], sigma: 0.5, grid: grid).region(confidenceLevel: level)
            let b = try bowl(centre: [offset * 0.5, 0], sigma: 0.5, grid: grid).region(confidenceLevel: level)
            let radius = 0.5 * a.threshold.squareRoot()
            let expected = discIoU(r: radius, d: offset * 0.5)
            let iou = RegionOverlap.intersectionOverUnion(a, b)
            #expect(abs(iou - expected) < 0.015, "CL \(level), offset \(offset): IoU \(iou), expected \(expected)")
        }
    }
}

@Suite struct ToyInferenceSummaryTests {
    func calibration(_ statistics: [Double], truth: [Double]) throws -> CalibrationResult {
        let fits = statistics.enumerated().map { k, t in
            PseudoFit(dataset: k, parameterNames: ["cx", "cy"], free: [true, true], values: truth, errors: [0.1, 0.1], status: .converged, testStatistic: t)
        }
        return try CalibrationResult(trueTheta: truth, parameterNames: ["cx", "cy"], free: [true, true], confidenceLevels: [0.68, 0.95],
                                     fits: fits, failedFits: 0)
    }

    @Test("coverage pools over points weighted by their fits; MLE median over all; targets judged")
    func pooling() throws {
        var settings = ToyInferenceStudy.Settings()
        settings.confidenceLevels = [0.68, 0.95]
        // Thresholds for 2 dof: 2.28 (68%) and 5.99 (95%).
        let a = ToyInferencePointResult(trueTheta: [0, 0], truthCalibration: try calibration([1, 1, 3, 7], truth: [0, 0]),
                                        modelCalibration: try calibration([1, 3, 3, 7], truth: [0, 0]), mleDistances: [0.1, 0.3], scans: [])
        let b = ToyInferencePointResult(trueTheta: [0.8, 0], truthCalibration: try calibration([0.5, 0.5], truth: [0.8, 0]),
                                        modelCalibration: try calibration([0.5, 6.5], truth: [0.8, 0]), mleDistances: [0.05, 0.2, 0.4], scans: [])
        let result = ToyInferenceStudyResult(settings: settings, points: [a, b])
        let s = result.summary
        #expect(abs(s.truthCoverage[0] - 4.0 / 6) < 1e-12 && abs(s.truthCoverage[1] - 5.0 / 6) < 1e-12)
        #expect(abs(s.modelCoverage[0] - 2.0 / 6) < 1e-12 && abs(s.modelCoverage[1] - 4.0 / 6) < 1e-12)
        #expect(abs(s.maxCoverageDifference[0] - 0.5) < 1e-12)
        #expect(s.coverageTargetsMet == [false, false])
        #expect(s.medianMLEDistance == 0.2 && s.mleTargetMet == true)
        // No data set was scanned: the IoU is not measured (null in JSON), not NaN, which JSON
        // cannot hold (a study with --scanned-datasets 0 failed to write its result).
        #expect(s.meanIntersectionOverUnion == [nil, nil] && s.iouTargetsMet == [nil, nil])
        let json = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(ToyInferenceStudyResult.self, from: json)
        #expect(decoded.summary == s)
        #expect(String(decoding: json, as: UTF8.self).contains("\"mean_intersection_over_union\":[null,null]"))
    }
}
