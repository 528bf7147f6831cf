import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The mixture log-likelihood against a float64 computation of its definition,
/// log Σ_g softmax(l)_g N(u; μ_g, σ_g) / (Φ(b_g) − Φ(a_g)), on the CPU and on `opencl:cpu`:
/// ordinary mixtures, far tails and very narrow widths. Never NaN or ±∞, and
/// |Δ| ≤ atol + rtol·|log p|: the relative part covers log p ≈ −450 in the far tails, where
/// float32 rounding of z² alone is ~1e-4. The gradients returned alongside are checked against
/// float64 differences of the same definition.
@Suite struct MixtureLikelihoodTests {
    /// A named set of rows and the tolerance the device must meet on it.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rtol: Double
        var atol: Double
        /// Gradients against float64 differences: |Δ| ≤ gradientRtol · (|FD| + max |FD| of the case),
        /// i.e. relative to the largest gradient of the rows (components with no responsibility
        /// have gradients near 0 whose float32 relative error means nothing).
        var gradientRtol: Double = 1e-4
        /// Rows as (logits, means, widths, u, (lo, hi) or nil).
        var rows: [(logits: [Float], means: [Float], widths: [Float], u: Float, bounds: (lo: Float, hi: Float)?)]
        var testDescription: String { name }

        /// The rows as one batch (every row has the same number of components; bounds per row are
        /// realised as one network per row).
        var batch: MixtureBatch {
            let g = rows[0].logits.count
            precondition(rows.allSatisfy { $0.logits.count == g && ($0.bounds == nil) == (rows[0].bounds == nil) })
            return MixtureBatch(batch: rows.count, rows: 1, components: g, logits: rows.flatMap(\.logits),
                                means: rows.flatMap(\.means), widths: rows.flatMap(\.widths), values: rows.map(\.u),
                                bounds: rows[0].bounds == nil ? nil : rows.map { $0.bounds! })
        }
    }

    /// Random mixtures of 7 components: logits in [−3, 3], means in [−4, 5], widths
    /// e^U(−3, 1), u in [lo, hi] = [−2.5, 3.5] or in [−6, 7] untruncated.
    static func ordinary(truncated: Bool) -> Case {
        var rng = SeededGenerator(seed: truncated ? 200 : 201)
        let rows = (0..<64).map { _ in
            (logits: rng.floats(7, in: -3...3), means: rng.floats(7, in: -4...5), widths: rng.floats(7, in: -3...1).map { expf($0) },
             u: rng.floats(1, in: truncated ? -2.5...3.5 : -6...7)[0], bounds: truncated ? (lo: Float(-2.5), hi: Float(3.5)) : nil)
        }
        return Case(name: truncated ? "ordinary, truncated" : "ordinary", rtol: 1e-5, atol: 1e-5, rows: rows)
    }

    /// u 30σ above or below every component (several widths, truncated and not).
    static func farFromEveryComponent(truncated: Bool) -> Case {
        var rows: Case.RowList = []
        for (sigma, side) in [(Float(0.5), Float(1)), (0.1, -1), (0.01, 1), (2, -1)] {
            let means: [Float] = [0, -3 * sigma, -7 * sigma]
            let u = side > 0 ? 30 * sigma : -37 * sigma
            let widths: [Float] = [sigma, sigma, 0.5 * sigma]
            let bounds = truncated ? (lo: min(u, -7 * sigma) - sigma, hi: max(u, 0) + sigma) : nil
            rows.append((logits: [0.3, -1, 2], means: means, widths: widths, u: u, bounds: bounds))
        }
        return Case(name: "u 30σ from every component" + (truncated ? ", truncated" : ""), rtol: 2e-5, atol: 1e-4, rows: rows)
    }

    /// Components centred 20σ below lo and 20σ above hi (and one inside), u at the bounds and
    /// between them.
    static let outsideTheInterval: Case = {
        var rows: Case.RowList = []
        let (lo, hi): (Float, Float) = (-1, 2)
        for sigma: Float in [0.05, 0.02] {
            for u: Float in [lo, lo + 0.1, 0.5, hi - 0.1, hi] {
                rows.append((logits: [0, 0.5, -0.5], means: [lo - 20 * sigma, hi + 20 * sigma, 0.5], widths: [sigma, sigma, 0.3],
                             u: u, bounds: (lo, hi)))
                // Only the outside components.
                rows.append((logits: [0, 0.5, -40], means: [lo - 20 * sigma, hi + 20 * sigma, 0.5], widths: [sigma, sigma, 0.3],
                             u: u, bounds: (lo, hi)))
            }
        }
        // And 30σ outside with u in the middle: every term far in a tail.
        rows.append((logits: [0, 0, 0], means: [lo - 30 * 0.05, hi + 30 * 0.05, lo - 25 * 0.05], widths: [0.05, 0.05, 0.05],
                     u: 0.5, bounds: (lo, hi)))
        return Case(name: "components 20σ outside [lo, hi]", rtol: 2e-5, atol: 1e-4, rows: rows)
    }()

    /// Widths 1e-4 … 1e-3 in [−1, 1]: u at the mean, a few σ away and 30σ away, means near and
    /// on the bounds.
    static func narrow(truncated: Bool) -> Case {
        var rows: Case.RowList = []
        for sigma: Float in [1e-4, 3e-4, 1e-3] {
            for (mean, offset): (Float, Float) in [(0.25, 0), (0.25, 2.5), (1 - 2 * sigma, 1.5), (-1, 0.5), (-1 + sigma, -0.5), (0.3, -30)] {
                let u = mean + offset * sigma
                rows.append((logits: [1, -0.5, 0.2], means: [mean, -0.5, mean + 40 * sigma], widths: [sigma, 2 * sigma, 0.7 * sigma],
                             u: u, bounds: truncated ? (lo: -1, hi: 1) : nil))
            }
        }
        return Case(name: "σ = 1e-4 … 1e-3" + (truncated ? ", truncated" : ""), rtol: 1e-5, atol: 1e-4, rows: rows)
    }

    /// The rows of `testCase` with `g` components each (the CPU path takes 8 at a time from
    /// 8 on, the last eight overlapping): the row's own components repeated in turn, each
    /// repeat shifted by 0.3σ per round, with logits lowered by 0.5 per round, so the
    /// case keeps its character (far tails stay far).
    static func widened(_ testCase: Case, to g: Int) -> Case {
        var wide = testCase
        wide.name += ", \(g) components"
        wide.rows = testCase.rows.map { row in
            var row = row
            let g0 = row.logits.count
            for k in g0..<g {
                let (source, round) = (k % g0, Float(k / g0))
                row.logits.append(row.logits[source] - 0.5 * round)
                row.means.append(row.means[source] + 0.3 * round * row.widths[source])
                row.widths.append(row.widths[source])
            }
            return row
        }
        return wide
    }

    static let cases: [Case] = {
        let base = [
            ordinary(truncated: true), ordinary(truncated: false),
            farFromEveryComponent(truncated: true), farFromEveryComponent(truncated: false),
            outsideTheInterval, narrow(truncated: true), narrow(truncated: false),
        ]
        return base + base.map { widened($0, to: 20) } + [widened(ordinary(truncated: true), to: 8), widened(outsideTheInterval, to: 13)]
    }()

    static func check(_ testCase: Case, on device: Device) throws {
        let batch = testCase.batch
        let expected = (0..<batch.batch).map { b in batch.reference(batch: b, row: 0).logDensity(Double(batch.value(batch: b, row: 0))) }
        try #require(expected.allSatisfy { $0.isFinite }, "the float64 reference itself is not finite")
        for gradient in [false, true] {
            let result = try batch.logLikelihood(on: device, weights: nil, scale: 1, gradient: gradient)
            #expect(result.logProb.allSatisfy { $0.isFinite }, "log p not finite: \(result.logProb)")
            assertClose(result.logProb, expected, rtol: testCase.rtol, atol: testCase.atol, "log p\(gradient ? " (with gradient)" : "")")
            if gradient {
                #expect(result.dLogits.allSatisfy { $0.isFinite } && result.dMeans.allSatisfy { $0.isFinite } && result.dWidths.allSatisfy { $0.isFinite },
                        "gradients not finite")
                let fd = finiteDifferences(batch)
                for (name, got, want) in [("∂/∂logits", result.dLogits, fd.logits), ("∂/∂means", result.dMeans, fd.means), ("∂/∂widths", result.dWidths, fd.widths)] {
                    let largest = want.map(abs).max()!
                    assertClose(got, want, rtol: testCase.gradientRtol, atol: testCase.gradientRtol * largest, "\(name), |largest| \(largest)")
                }
            }
        }
    }

    /// Float64 central differences of the reference log p of each row (one row per network):
    /// steps 1e-6 for logits and 1e-6·σ for means and widths.
    static func finiteDifferences(_ batch: MixtureBatch) -> (logits: [Double], means: [Double], widths: [Double]) {
        var result = (logits: [Double](), means: [Double](), widths: [Double]())
        for b in 0..<batch.batch {
            let mixture = batch.reference(batch: b, row: 0)
            let u = Double(batch.value(batch: b, row: 0))
            for g in 0..<batch.components {
                let sigma = mixture.widths[g]
                result.logits.append(GradientTests.derivative(of: mixture, at: u, step: 1e-6) { $0.logits[g] += $1 })
                result.means.append(GradientTests.derivative(of: mixture, at: u, step: 1e-6 * sigma) { $0.means[g] += $1 })
                result.widths.append(GradientTests.derivative(of: mixture, at: u, step: 1e-6 * sigma) { $0.widths[g] += $1 })
            }
        }
        return result
    }

    @Test(arguments: cases) func onCPU(_ testCase: Case) throws { try Self.check(testCase, on: TestDevices.cpu()) }
    @Test(.openCL, arguments: cases) func onOpenCL(_ testCase: Case) throws { try Self.check(testCase, on: TestDevices.openCL()) }
}

extension MixtureLikelihoodTests.Case {
    typealias RowList = [(logits: [Float], means: [Float], widths: [Float], u: Float, bounds: (lo: Float, hi: Float)?)]
}
