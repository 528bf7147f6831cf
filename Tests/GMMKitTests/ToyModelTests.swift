#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import GMMTestSupport
@testable import GMMKit

/// Parameter points spanning the training grid, its corners and off-grid values.
private let parameterPoints: [ToyModel.Parameter] = [
    .init(cx: 0, cy: 0), .init(cx: 1.5, cy: 1.5), .init(cx: -1.5, cy: -1.5),
    .init(cx: -0.8, cy: 0.8), .init(cx: 0.2, cy: -1), .init(cx: 2, cy: 0),
]

@Suite struct ToyModelNormalisationTests {
    let model = ToyModel()

    @Test(arguments: parameterPoints)
    func p0IntegratesToOne(c: ToyModel.Parameter) {
        let total = integrate({ exp(model.logP0(x0: $0, cx: c.cx)) }, from: 100, to: 800)
        #expect(abs(total - 1) < 1e-6, "integral of p0 at \(c) = \(total)")
    }

    @Test(arguments: [100.0, 130, 275, 450, 640, 799, 800])
    func p1IntegratesToOne(x0: Double) {
        let total = integrate({ exp(model.logP1(x1: $0, x0: x0)) }, from: 100, to: 800)
        #expect(abs(total - 1) < 1e-6, "integral of p1 at x0 = \(x0) = \(total)")
    }

    @Test(arguments: parameterPoints)
    func p2IntegratesToOne(c: ToyModel.Parameter) {
        let total = integrate({ exp(model.logP2(x2: $0, cx: c.cx, cy: c.cy)) }, from: -Double.pi, to: Double.pi)
        #expect(abs(total - 1) < 1e-6, "integral of p2 at \(c) = \(total)")
    }

    @Test(arguments: parameterPoints)
    func p3IntegratesToOne(c: ToyModel.Parameter) {
        for (x1, x2) in [(100.0, -Double.pi), (450, 0.3), (800, Double.pi), (230, -2)] {
            let shift = ToyModel.shift3(x1: x1, x2: x2, cx: c.cx, cy: c.cy)
            let total = integrate(
                { exp(model.logP3(x3: $0, x1: x1, x2: x2, cx: c.cx, cy: c.cy)) },
                from: -shift - 20, to: -shift + 20)
            #expect(abs(total - 1) < 1e-6, "integral of p3 at \(c), x1 = \(x1), x2 = \(x2) = \(total)")
        }
    }

    @Test func f2IsTheAntiderivativeOfP2sNumerator() {
        for c in parameterPoints {
            for x in stride(from: -3.0, through: 3.0, by: 0.25) {
                let h = 1e-5
                let derivative = (ToyModel.f2(x: x + h, cx: c.cx, cy: c.cy) - ToyModel.f2(x: x - h, cx: c.cx, cy: c.cy)) / (2 * h)
                let a = ToyModel.alpha2, b = ToyModel.beta2, g = ToyModel.gamma2
                let numerator = (a + b * x * x + g * x * x * x * x) * (1 + 0.4 * c.cx * sin(x) + 0.5 * c.cy * cos(x))
                #expect(abs(derivative - numerator) < 1e-8, "f2' at x = \(x), \(c)")
            }
        }
    }
}

@Suite struct ToyModelFormulaTests {
    let model = ToyModel()

    /// p0 against the literal (A.2) formula with x0' = (x0 - 100)/700.
    @Test func p0MatchesThePaper() {
        for cx in [-1.5, -0.3, 0, 1] {
            let k = 2 * (2 - abs(cx))
            for x0 in stride(from: 100.0, through: 800, by: 50) {
                let x = (x0 - 100) / 700
                let paper = 1.0 / 700 * k / (1 - exp(-k)) * exp(-k * x)
                #expect(abs(exp(model.logP0(x0: x0, cx: cx)) / paper - 1) < 1e-12)
            }
        }
    }

    /// p1 against the literal (A.2) erf formula.
    @Test func p1MatchesThePaper() {
        let s = ToyModel.sigma1
        for x0 in [100.0, 300, 777] {
            let m = (x0 - 100) / 700
            let norm = (Double.pi / 2).squareRoot() * s * (erf(m / (2.0.squareRoot() * s)) - erf((m - 1) / (2.0.squareRoot() * s)))
            for x1 in stride(from: 100.0, through: 800, by: 35) {
                let t = (x1 - 100) / 700
                let paper = 1.0 / 700 / norm * exp(-(t - m) * (t - m) / (2 * s * s))
                let ours = exp(model.logP1(x1: x1, x0: x0))
                #expect(abs(ours - paper) <= 1e-12 * max(paper, 1e-300) + 1e-300, "p1(\(x1) | \(x0))")
            }
        }
    }

    /// q3 against the literal (A.5) product with ERRATA 4's (x + beta3) in the second factor.
    @Test func q3MatchesThePaper() {
        let a = ToyModel.alpha3, b = ToyModel.beta3, g = ToyModel.gamma3
        let f3 = 1 / a * exp(2 * (a * b + g)) / (exp(2 * (a * b + g)) - 1)
        for z in stride(from: -4.0, through: 4.0, by: 0.1) {
            let paper = 1 / (1 + exp(a * (z - b) - g)) * 1 / (1 + exp(-a * (z + b) - g)) / (2 * (a * b + g) * f3)
            #expect(abs(exp(ToyModel.logQ3(z)) / paper - 1) < 1e-12, "q3(\(z))")
        }
    }

    /// I3^-1 against the literal (A.8) with h3(u) = exp(g3 (2u - 1) / f3).
    @Test func quantileQ3MatchesThePaper() {
        let a = ToyModel.alpha3, b = ToyModel.beta3, g = ToyModel.gamma3
        let f3 = 1 / a * exp(2 * (a * b + g)) / (exp(2 * (a * b + g)) - 1)
        let g3 = f3 * (a * b + g)
        for u in stride(from: 0.01, through: 0.99, by: 0.02) {
            let h = exp(g3 * (2 * u - 1) / f3)
            let paper = 1 / a * log((h * exp(a * b + g) - 1) / (exp(a * b + g) - h))
            #expect(abs(ToyModel.quantileQ3(u) - paper) < 1e-12, "I3^-1(\(u))")
        }
    }

    @Test func jointDensityIsTheSumOfTheFactors() throws {
        var rng = SeededGenerator(seed: 7)
        for c in parameterPoints {
            let events = try model.sample(n: 50, cx: c.cx, cy: c.cy, rng: &rng)
            let joint = model.logDensities(events: events, cx: c.cx, cy: c.cy)
            for i in 0..<50 {
                let x = Array(events[4 * i..<4 * i + 4])
                let sum = model.logP0(x0: x[0], cx: c.cx) + model.logP1(x1: x[1], x0: x[0])
                    + model.logP2(x2: x[2], cx: c.cx, cy: c.cy)
                    + model.logP3(x3: x[3], x1: x[1], x2: x[2], cx: c.cx, cy: c.cy)
                #expect(abs(joint[i] - sum) <= 1e-12 * max(1, abs(sum)))
                #expect(joint[i] == model.logDensity(x: x, cx: c.cx, cy: c.cy))
                #expect(joint[i].isFinite)
            }
        }
    }

    @Test func densityIsZeroOutsideTheSupport() {
        let inside = [300.0, 320, 0.5, 0.1]
        #expect(model.logDensity(x: inside, cx: 0.5, cy: -0.5).isFinite)
        let outside: [[Double]] = [
            [99.9, 320, 0.5, 0.1], [800.1, 320, 0.5, 0.1], [300, 99, 0.5, 0.1], [300, 801, 0.5, 0.1],
            [300, 320, 3.2, 0.1], [300, 320, -3.2, 0.1], [300, 320, 0.5, .infinity],
            [300, 320, Double.pi, 0.1],  // p2 vanishes at the boundary
        ]
        for x in outside {
            #expect(model.logDensity(x: x, cx: 0.5, cy: -0.5) == -.infinity, "\(x)")
        }
    }

    @Test func parametersOutsideTheDomainAreRejected() {
        #expect(ToyModel.isInDomain(cx: 1.5, cy: 1.5))
        #expect(!ToyModel.isInDomain(cx: 2, cy: 2))
        #expect(!ToyModel.isInDomain(cx: .nan, cy: 0))
        #expect(model.logDensity(x: [300, 320, 0.5, 0.1], cx: 2, cy: 2).isNaN)
        var rng = SeededGenerator(seed: 1)
        #expect(throws: ToyModelError.parameterOutsideDomain(cx: 2, cy: 2)) {
            try model.sample(n: 3, cx: 2, cy: 2, rng: &rng)
        }
        #expect(throws: ToyModelError.negativeCount(field: "n", got: -1)) {
            try model.sample(n: -1, cx: 0, cy: 0, rng: &rng)
        }
        #expect(ToyModelError.parameterOutsideDomain(cx: 2, cy: 2).description.contains("(2.0, 2.0)"))
    }
}

@Suite struct ToyModelDistributionFunctionTests {
    let model = ToyModel()

    /// Each closed-form distribution function equals the quadrature of its density.
    @Test(arguments: parameterPoints)
    func cdfsMatchQuadratureOfTheDensities(c: ToyModel.Parameter) {
        for x0 in stride(from: 100.0, through: 800, by: 87.5) {
            let q = integrate({ exp(model.logP0(x0: $0, cx: c.cx)) }, from: 100, to: x0)
            #expect(abs(model.cdf0(x0: x0, cx: c.cx) - q) < 1e-9)
        }
        for x0 in [100.0, 400, 800] {
            for x1 in stride(from: 100.0, through: 800, by: 70) {
                let q = integrate({ exp(model.logP1(x1: $0, x0: x0)) }, from: 100, to: x1)
                #expect(abs(model.cdf1(x1: x1, x0: x0) - q) < 1e-9)
            }
        }
        for x2 in stride(from: -Double.pi, through: Double.pi, by: 0.4) {
            let q = integrate({ exp(model.logP2(x2: $0, cx: c.cx, cy: c.cy)) }, from: -Double.pi, to: x2)
            #expect(abs(model.cdf2(x2: x2, cx: c.cx, cy: c.cy) - q) < 1e-9)
        }
        let (x1, x2) = (612.0, -1.1)
        let shift = ToyModel.shift3(x1: x1, x2: x2, cx: c.cx, cy: c.cy)
        for z in stride(from: -3.0, through: 3.0, by: 0.25) {
            let x3 = z - shift
            let q = integrate({ exp(model.logP3(x3: $0, x1: x1, x2: x2, cx: c.cx, cy: c.cy)) }, from: -shift - 20, to: x3)
            #expect(abs(model.cdf3(x3: x3, x1: x1, x2: x2, cx: c.cx, cy: c.cy) - q) < 1e-9)
        }
    }

    /// Each quantile inverts its distribution function, including far into the tails.
    @Test(arguments: parameterPoints)
    func quantilesInvertTheCDFs(c: ToyModel.Parameter) {
        let probabilities = [1e-12, 1e-6, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-6, 1 - 1e-12]
        for u in probabilities {
            #expect(abs(model.cdf0(x0: model.quantile0(u, cx: c.cx), cx: c.cx) - u) < 1e-12)
            for x0 in [100.0, 400, 800] {
                #expect(abs(model.cdf1(x1: model.quantile1(u, x0: x0), x0: x0) - u) < 1e-12, "u = \(u), x0 = \(x0)")
            }
            #expect(abs(model.cdf2(x2: model.quantile2(u, cx: c.cx, cy: c.cy), cx: c.cx, cy: c.cy) - u) < 1e-12)
            let x3 = model.quantile3(u, x1: 300, x2: 2, cx: c.cx, cy: c.cy)
            #expect(abs(model.cdf3(x3: x3, x1: 300, x2: 2, cx: c.cx, cy: c.cy) - u) < 1e-12)
        }
        #expect(model.quantile0(0, cx: c.cx) == 100)
        #expect(model.quantile0(1, cx: c.cx) == 800)
        #expect(model.quantile2(0, cx: c.cx, cy: c.cy) == -Double.pi)
        #expect(model.quantile2(1, cx: c.cx, cy: c.cy) == Double.pi)
    }
}
