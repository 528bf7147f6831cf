#if canImport(Glibc)
import Glibc
#endif
@testable import GMMKit

/// −ln L of N(μ, σ²) data (additive constants dropped), parameters "mu" and "sigma", with its
/// exact gradient: NLL = Σ (x−μ)²/(2σ²) + N ln σ.
struct GaussianSampleLikelihood: NegativeLogLikelihood {
    let data: [Double]
    var parameterNames: [String] { ["mu", "sigma"] }
    var mean: Double { data.reduce(0, +) / Double(data.count) }
    /// The maximum-likelihood σ̂ = √(mean squared deviation).
    var sigmaHat: Double { (data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(data.count)).squareRoot() }

    func value(_ theta: [Double]) throws -> Double { try valueAndGradient(theta).value }

    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkTheta(theta)
        let (mu, sigma) = (theta[0], theta[1])
        let n = Double(data.count)
        let squares = data.reduce(0) { $0 + ($1 - mu) * ($1 - mu) }
        let residual = data.reduce(0) { $0 + ($1 - mu) }
        return (squares / (2 * sigma * sigma) + n * log(sigma), [-residual / (sigma * sigma), -squares / (sigma * sigma * sigma) + n / sigma])
    }
}

/// An isotropic quadratic bowl ½((a − a0)² + (b − b0)²)/s²: −2Δln L is a circle's squared radius / s².
struct QuadraticBowl: NegativeLogLikelihood {
    var a0 = 0.3, b0 = -0.2, s = 0.5
    var parameterNames: [String] { ["a", "b"] }
    func value(_ theta: [Double]) throws -> Double { try valueAndGradient(theta).value }
    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkTheta(theta)
        let (da, db) = (theta[0] - a0, theta[1] - b0)
        return (0.5 * (da * da + db * db) / (s * s), [da / (s * s), db / (s * s)])
    }
}

/// Normal draws N(mu, sigma²), reproducible.
func normalSample(count: Int, mu: Double, sigma: Double, seed: UInt64) -> [Double] {
    var rng = TestRandom(seed: seed)
    return (0..<count).map { _ in mu + sigma * rng.normal() }
}

/// A double well in `a` times a bowl in `b`: (a² − 1)² − tilt·a + ½(b − 0.4)², whose global
/// minimum is near a = +1 and a local one near a = −1 (the shape of the toy's mirrored minima).
struct DoubleWell: NegativeLogLikelihood {
    var tilt = 0.3
    var parameterNames: [String] { ["a", "b"] }
    func value(_ theta: [Double]) throws -> Double { try valueAndGradient(theta).value }
    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkTheta(theta)
        let (a, b) = (theta[0], theta[1])
        return ((a * a - 1) * (a * a - 1) - tilt * a + 0.5 * (b - 0.4) * (b - 0.4), [4 * a * (a * a - 1) - tilt, b - 0.4])
    }
}
