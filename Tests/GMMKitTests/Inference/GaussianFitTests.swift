#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GMMKit

/// Fits with an analytic likelihood, where the MLE, the Hesse errors and the MINOS intervals
/// are known exactly.
@Suite struct GaussianFitTests {
    let data = normalSample(count: 200, mu: 1.3, sigma: 0.7, seed: 5)

    @Test("Gaussian mean, σ fixed: MLE = sample mean, Hesse error = σ/√N, MINOS = mean ± z σ/√N")
    func meanWithKnownWidth() throws {
        let nll = GaussianSampleLikelihood(data: data)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -10, upper: 10),
                                                    FitParameter(name: "sigma", lower: 0.01, upper: 10, fixedValue: 0.7)])
        let result = try fit.fit(nll)
        let standardError = 0.7 / Double(data.count).squareRoot()
        #expect(result.status == .converged)
        #expect(abs(result.values[0] - nll.mean) < 1e-3 * standardError)
        #expect(abs(result.errors[0] - standardError) < 1e-4 * standardError)
        #expect(result.errors[1] == 0 && result.values[1] == 0.7 && result.free == [true, false])
        for cl in [Wilks.oneSigma, 0.95] {
            let z = StandardNormal.quantile(0.5 * (1 + cl))
            let interval = try #require(try fit.minos(nll, result: result, confidenceLevel: cl).first)
            #expect(interval.valid && !interval.lowerAtBound && !interval.upperAtBound)
            #expect(abs(interval.lower - (nll.mean - z * standardError)) < 1e-3 * standardError)
            #expect(abs(interval.upper - (nll.mean + z * standardError)) < 1e-3 * standardError)
        }
        // The 1-D scan's interval agrees (linear interpolation on a fine grid).
        let grid = (0...400).map { nll.mean - 4 * standardError + Double($0) * 8 * standardError / 400 }
        let scan = try fit.scan(nll, parameter: "mu", values: grid, result: result)
        let (lower, upper) = try scan.interval(confidenceLevel: Wilks.oneSigma)
        #expect(abs(lower - (nll.mean - standardError)) < 1e-3 * standardError)
        #expect(abs(upper - (nll.mean + standardError)) < 1e-3 * standardError)
        #expect(scan.allConverged && scan.deltaTwoNLL.min() ?? 1 >= 0)
    }

    @Test("μ and σ free: σ̂² = mean squared deviation, errors σ̂/√N and σ̂/√(2N), MINOS on σ matches the profile")
    func meanAndWidth() throws {
        let nll = GaussianSampleLikelihood(data: data)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "sigma", lower: 0.05, upper: 5, start: 2),
                                                    FitParameter(name: "mu", lower: -10, upper: 10, start: -3)])
        let result = try fit.fit(nll)
        let n = Double(data.count)
        #expect(result.status == .converged)
        // EDM < 1e-4 (MINUIT's criterion) leaves the estimate within ~1% of its error of the exact one.
        #expect(abs(result.values[0] - nll.mean) < 0.02 * nll.sigmaHat / n.squareRoot())
        #expect(abs(result.values[1] - nll.sigmaHat) < 0.02 * nll.sigmaHat / (2 * n).squareRoot())
        #expect(result.edm < 1e-4)
        #expect(abs(result.errors[0] / (nll.sigmaHat / n.squareRoot()) - 1) < 5e-3)
        #expect(abs(result.errors[1] / (nll.sigmaHat / (2 * n).squareRoot()) - 1) < 5e-3)
        #expect(abs(result.correlation[0][1]) < 1e-3)
        // σ's profile: 2ΔNLL(s) = N (σ̂²/s² − 1 + 2 ln(s/σ̂)) (μ profiled at the mean): solve for 1.
        let hat = nll.sigmaHat
        func delta(_ s: Double) -> Double {
            let ratio: Double = hat * hat / (s * s)
            let logarithm: Double = 2 * log(s / hat)
            return n * (ratio - 1 + logarithm)
        }
        func root(_ a: Double, _ b: Double) -> Double {
            var (lo, hi) = (a, b)
            for _ in 0..<200 {
                let m = 0.5 * (lo + hi)
                if (delta(m) - 1) * (delta(lo) - 1) <= 0 { hi = m } else { lo = m }
            }
            return 0.5 * (lo + hi)
        }
        var reported: [ProfileInterval] = []
        let interval = try #require(try fit.minos(nll, result: result, parameters: ["sigma"]) { reported.append($0) }.first)
        #expect(reported == [interval])  // progress: each interval as it is found
        #expect(abs(interval.lower - root(0.3 * nll.sigmaHat, nll.sigmaHat)) < 1e-4)
        #expect(abs(interval.upper - root(nll.sigmaHat, 3 * nll.sigmaHat)) < 1e-4)
        #expect(interval.upperError > -interval.lowerError)  // asymmetric, as the exact profile
    }

    /// The Gaussian-mean NLL plus a deterministic wiggle of ±0.05 (a stand-in for the rounding
    /// of single-precision log-densities summed over many events), declared as its precision.
    final class RoundedGaussian: NegativeLogLikelihood {
        let exact: GaussianSampleLikelihood
        var evaluations = 0
        init(_ exact: GaussianSampleLikelihood) { self.exact = exact }
        var parameterNames: [String] { exact.parameterNames }
        var valuePrecision: Double { 0.06 }
        func value(_ theta: [Double]) throws -> Double { try valueAndGradient(theta).value }
        func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
            evaluations += 1
            let (value, gradient) = try exact.valueAndGradient(theta)
            // Rough at every scale, as rounding is: from the bits of μ.
            let rough = Double(theta[0].bitPattern % 1009) / 1008
            return (value + 0.05 * (2 * rough - 1), gradient)
        }
    }

    @Test("MINOS on a likelihood known to ±0.05 stops at its rounding: the exact interval within 10% of an error, in few evaluations")
    func minosStopsAtTheRounding() throws {
        let nll = RoundedGaussian(GaussianSampleLikelihood(data: data))
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -10, upper: 10),
                                                    FitParameter(name: "sigma", lower: 0.01, upper: 10, fixedValue: 0.7)])
        let result = try fit.fit(nll)
        let standardError = 0.7 / Double(data.count).squareRoot()
        nll.evaluations = 0
        let interval = try #require(try fit.minos(nll, result: result).first)
        #expect(interval.valid)
        #expect(abs(interval.lower - (nll.exact.mean - standardError)) < 0.1 * standardError)
        #expect(abs(interval.upper - (nll.exact.mean + standardError)) < 0.1 * standardError)
        // Chasing the rounding to a 1e-3 tolerance took 19 evaluations here (5 now), and about 15
        // profile fits per crossing of a 20k-event model fit.
        #expect(nll.evaluations < 10, "\(nll.evaluations) evaluations")
    }

    @Test("a bound below the mean stops the fit at the bound; MINOS reports the bound")
    func atBound() throws {
        let nll = GaussianSampleLikelihood(data: data)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: 0, upper: 1.0),
                                                    FitParameter(name: "sigma", fixedValue: 0.7)])
        let result = try fit.fit(nll)
        #expect(result.values[0] == 1.0)
        #expect(result.status == .converged)
        let interval = try #require(try fit.minos(nll, result: result).first)
        #expect(interval.upper == 1.0 && interval.upperAtBound)
        #expect(!interval.lowerAtBound && interval.lower < 1.0)
    }

    @Test("a Gaussian constraint on μ gives the precision-weighted mean and error")
    func constraint() throws {
        let nll = GaussianSampleLikelihood(data: data)
        let constraint = GaussianConstraint(mean: 0.9, width: 0.05)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: -10, upper: 10, constraint: constraint),
                                                    FitParameter(name: "sigma", fixedValue: 0.7)])
        let result = try fit.fit(nll)
        let a = Double(data.count) / (0.7 * 0.7), b = 1 / (0.05 * 0.05)
        #expect(abs(result.values[0] - (a * nll.mean + b * 0.9) / (a + b)) < 1e-5)
        #expect(abs(result.errors[0] - 1 / (a + b).squareRoot()) < 1e-6)
    }

    @Test("2-D scan of a quadratic bowl: contours are circles of radius s√threshold; inside/outside and area agree")
    func contours() throws {
        let bowl = QuadraticBowl()
        let fit = MaximumLikelihoodFit(bowl, lower: -3, upper: 3)
        let result = try fit.fit(bowl)
        #expect(abs(result.values[0] - bowl.a0) < 1e-6 && abs(result.values[1] - bowl.b0) < 1e-6)
        let axis = (0...60).map { -2.5 + Double($0) * 5 / 60 }
        let scan = try fit.scan(bowl, x: "a", xValues: axis, y: "b", yValues: axis, result: result)
        #expect(scan.deltaTwoNLL.count == 61 && scan.deltaTwoNLL[0].count == 61)
        for cl in [Wilks.oneSigma, 0.95] {
            let region = try scan.region(confidenceLevel: cl)
            let radius = bowl.s * region.threshold.squareRoot()
            #expect(region.contours.count == 1)
            let line = try #require(region.contours.first)
            #expect(line.first == line.last && line.count > 20)  // closed
            for point in line {
                let r = ((point[0] - bowl.a0) * (point[0] - bowl.a0) + (point[1] - bowl.b0) * (point[1] - bowl.b0)).squareRoot()
                #expect(abs(r - radius) < 0.01 * radius)
            }
            #expect(region.contains(x: bowl.a0, y: bowl.b0))
            #expect(region.contains(x: bowl.a0 + 0.95 * radius, y: bowl.b0))
            #expect(!region.contains(x: bowl.a0 + 1.05 * radius, y: bowl.b0))
            #expect(!region.contains(x: 10, y: 0))
            #expect(abs(region.areaFraction(resolution: 300) - Double.pi * radius * radius / 25) < 0.01)
        }
    }

    @Test("unknown, missing, duplicated parameters, bad bounds and out-of-bound values are typed errors")
    func badSettings() throws {
        let nll = GaussianSampleLikelihood(data: data)
        let sigma = FitParameter(name: "sigma", fixedValue: 0.7)
        #expect(throws: InferenceError.unknownParameter(name: "nu", known: ["mu", "sigma"])) {
            try MaximumLikelihoodFit(parameters: [FitParameter(name: "nu"), sigma]).fit(nll)
        }
        #expect(throws: InferenceError.missingParameter(name: "mu")) { try MaximumLikelihoodFit(parameters: [sigma]).fit(nll) }
        #expect(throws: InferenceError.duplicateParameter(name: "sigma")) {
            try MaximumLikelihoodFit(parameters: [FitParameter(name: "mu"), sigma, sigma]).fit(nll)
        }
        #expect(throws: InferenceError.invalidBounds(parameter: "mu", lower: 2, upper: 1)) {
            try MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: 2, upper: 1), sigma]).fit(nll)
        }
        #expect(throws: InferenceError.outsideBounds(parameter: "mu", value: 5, lower: 0, upper: 1)) {
            try MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: 0, upper: 1, start: 5), sigma]).fit(nll)
        }
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", lower: 0, upper: 2), sigma])
        #expect(throws: InferenceError.outsideBounds(parameter: "mu", value: 3, lower: 0, upper: 2)) { try fit.fit(nll, start: [3, 0.7]) }
        #expect(throws: InferenceError.self) { try fit.fit(nll, start: [.nan, 0.7]) }
        #expect(throws: InferenceError.noFreeParameter(detail: "every parameter is fixed; free at least one to fit")) {
            try MaximumLikelihoodFit(parameters: [FitParameter(name: "mu", fixedValue: 1), sigma]).fit(nll)
        }
        let result = try fit.fit(nll)
        #expect(throws: InferenceError.outsideBounds(parameter: "mu", value: 2.5, lower: 0, upper: 2)) {
            try fit.scan(nll, parameter: "mu", values: [1, 2.5], result: result)
        }
        #expect(throws: InferenceError.empty(field: "values")) { try fit.scan(nll, parameter: "mu", values: [], result: result) }
        #expect(throws: InferenceError.unknownParameter(name: "x", known: ["mu", "sigma"])) {
            try fit.scan(nll, parameter: "x", values: [1], result: result)
        }
        #expect(throws: InferenceError.self) { try nll.value([1]) }
        #expect(throws: InferenceError.self) { try nll.value([1, .infinity]) }
    }
}
