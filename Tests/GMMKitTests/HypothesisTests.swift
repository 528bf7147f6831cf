import Testing
@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ROCCurveTests {
    @Test("AUC counts ties one half: a hand-counted case, and identical samples give exactly 0.5")
    func ties() throws {
        // Pairs (s, b): (1,2) 0, (1,0) 1, (2,2) ½, (2,0) 1, (3,2) 1, (3,0) 1 → 4.5 / 6.
        let roc = try ROCCurve(signal: [1, 2, 3], background: [2, 0])
        #expect(abs(roc.auc - 0.75) < 1e-15)
        #expect(roc.points.first == ROCCurve.Point(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0))
        #expect(roc.points.last?.falsePositiveRate == 1 && roc.points.last?.truePositiveRate == 1)
        #expect(roc.points.count == 5)
        let same = [0.3, -1, 2, 2, 0.3, 5]
        #expect(try ROCCurve(signal: same, background: same).auc == 0.5)
    }

    @Test("thinned keeps both ends and evenly spaced corners; short curves unchanged")
    func thinned() throws {
        let roc = try ROCCurve(signal: (0..<50).map { Double($0) + 0.5 }, background: (0..<50).map(Double.init))
        #expect(roc.points.count == 101)
        let few = roc.thinned(to: 11)
        #expect(few.count == 11 && few.first == roc.points.first && few.last == roc.points.last)
        #expect(few == (0...10).map { roc.points[10 * $0] })
        #expect(roc.thinned(to: 500) == roc.points && roc.thinned(to: 0).count == 2)
    }

    @Test("a weight of 2 equals the event twice; weights change the AUC as they should")
    func weights() throws {
        let signal = [0.1, 0.7, 1.3, 2.0], background = [-0.5, 0.7, 0.9]
        let weighted = try ROCCurve(signal: signal, signalWeights: [1, 2, 1, 0.5], background: background, backgroundWeights: [3, 1, 1])
        // Weight 0.5 is matched by doubling every other event's weight.
        let duplicated = try ROCCurve(signal: [0.1, 0.1, 0.7, 0.7, 0.7, 0.7, 1.3, 1.3, 2.0],
                                      background: [-0.5, -0.5, -0.5, -0.5, -0.5, -0.5, 0.7, 0.7, 0.9, 0.9])
        #expect(abs(weighted.auc - duplicated.auc) < 1e-14)
        #expect(abs(weighted.signalEffectiveCount - 4.5 * 4.5 / 6.25) < 1e-12)
    }

    @Test("identical distributions: AUC ≈ 0.5 within its error; N(Δ, 1) vs N(0, 1): Φ(Δ/√2)", arguments: [0.0, 0.5, 1.0, 2.0])
    func gaussians(delta: Double) throws {
        var rng = TestRandom(seed: 7 + UInt64(delta * 10))
        let n = 3000
        let background = (0..<n).map { _ in rng.normal() }
        let signal = (0..<n).map { _ in rng.normal() + delta }
        let roc = try ROCCurve(signal: signal, background: background)
        let expected = StandardNormal.cdf(delta / 2.0.squareRoot())
        // The error is right: ≈ sqrt(A(1−A)/n)-ish, between 0.003 and 0.008 here.
        #expect(roc.aucStandardError > 0.002 && roc.aucStandardError < 0.009, "se \(roc.aucStandardError)")
        #expect(abs(roc.auc - expected) < 4 * roc.aucStandardError, "AUC \(roc.auc) ± \(roc.aucStandardError), expected \(expected)")
    }

    @Test("the DeLong error matches the spread of AUC over repeated samples")
    func errorCalibration() throws {
        var rng = TestRandom(seed: 99)
        var aucs: [Double] = [], errors: [Double] = []
        for _ in 0..<200 {
            let background = (0..<200).map { _ in rng.normal() }
            let signal = (0..<150).map { _ in rng.normal() + 0.8 }
            let roc = try ROCCurve(signal: signal, background: background)
            aucs.append(roc.auc)
            errors.append(roc.aucStandardError)
        }
        let mean = aucs.reduce(0, +) / 200
        let spread = (aucs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 199).squareRoot()
        let typical = errors.reduce(0, +) / 200
        // The spread of a standard deviation from 200 values is ±5%; allow 20%.
        #expect(abs(typical / spread - 1) < 0.2, "mean DeLong error \(typical), spread \(spread)")
    }

    @Test("bad input: empty class, NaN score, mismatched weights, non-positive total weight")
    func badInput() {
        #expect(throws: ModelError.empty(field: "signal")) { try ROCCurve(signal: [], background: [1]) }
        #expect(throws: ModelError.self) { try ROCCurve(signal: [.nan], background: [1]) }
        #expect(throws: ModelError.self) { try ROCCurve(signal: [1, 2], signalWeights: [1], background: [1]) }
        #expect(throws: ModelError.nonPositiveWeight(field: "background weights", total: 0)) {
            try ROCCurve(signal: [1], background: [1, 2], backgroundWeights: [1, -1])
        }
    }
}

@Suite struct ImportanceWeightsTests {
    @Test("analytic: N(0, 1) events weighted to N(0.5, 0.8²) have the target's mean and variance")
    func gaussian() throws {
        var rng = TestRandom(seed: 5)
        let x = (0..<20000).map { _ in rng.normal() }
        let logProposal = x.map { StandardNormal.logPDF($0) }
        let logTarget = x.map { StandardNormal.logPDF(($0 - 0.5) / 0.8) - log(0.8) }
        let w = try ImportanceWeights(logTarget: logTarget, logProposal: logProposal)
        let ess = w.effectiveSampleSize
        #expect(ess > 10000 && ess < 20000)
        #expect(abs(w.meanWeight - 1) < 4 * 0.45 / 20000.0.squareRoot(), "mean weight \(w.meanWeight)")
        let mean = w.mean(of: x, columns: 1)[0]
        let variance = w.covariance(of: x, columns: 1)[0]
        #expect(abs(mean - 0.5) < 4 * 0.8 / ess.squareRoot(), "mean \(mean)")
        #expect(abs(variance - 0.64) < 4 * 0.64 * (2 / ess).squareRoot(), "variance \(variance)")
    }

    @Test("toy truth: events at (0, 0) weighted to (0.8, −0.8) match events drawn there")
    func toy() throws {
        let toy = ToyModel()
        var rng = SeededGenerator(seed: 3)
        let n = 40000
        let proposal = try toy.sample(n: n, cx: 0, cy: 0, rng: &rng)
        let target = try toy.sample(n: n, cx: 0.8, cy: -0.8, rng: &rng)
        let w = try ImportanceWeights(logTarget: toy.logDensities(events: proposal, cx: 0.8, cy: -0.8),
                                      logProposal: toy.logDensities(events: proposal, cx: 0, cy: 0))
        let reweighted = w.mean(of: proposal, columns: 4)
        let unit = try ImportanceWeights(logTarget: [Double](repeating: 0, count: n), logProposal: [Double](repeating: 0, count: n))
        let direct = unit.mean(of: target, columns: 4)
        let directVariance = unit.covariance(of: target, columns: 4)
        let ess = w.effectiveSampleSize
        for j in 0..<4 {
            let error = (directVariance[j * 5] * (1 / ess + 1 / Double(n))).squareRoot()
            #expect(abs(reweighted[j] - direct[j]) < 4 * error, "x\(j): reweighted \(reweighted[j]), direct \(direct[j]) ± \(error)")
        }
        // x2's mean moves with cx: the check has power.
        #expect(abs(direct[2] - unit.mean(of: proposal, columns: 4)[2]) > 10 * (directVariance[10] / Double(n)).squareRoot())
    }

    @Test("density model: importanceSample at θ0 reproduces the model's own moments at θ1, and LLR scores separate θ1 from θ0")
    func model() throws {
        let cpu = try Devices.open("cpu")
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 2)
        let events = try TestModels.events(count: 1500, observables: ["x0", "x1"], conditional: true)
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let n = 20000
        let (x, weights) = try model.importanceSample(count: n, theta0: [0], targets: [[1], [0]], seed: 4, device: cpu)
        #expect(weights.count == 2)
        // Weighting to θ0 itself gives unit weights.
        #expect(weights[1].weights.allSatisfy { abs($0 - 1) < 1e-5 })
        let w = weights[0]
        let direct = try model.sample(count: n, theta: [1], seed: 9, device: cpu)
        let unit = try ImportanceWeights(logTarget: [Double](repeating: 0, count: n), logProposal: [Double](repeating: 0, count: n))
        let (m, md, v) = (w.mean(of: x, columns: 2), unit.mean(of: direct, columns: 2), unit.covariance(of: direct, columns: 2))
        for j in 0..<2 {
            let error = (v[j * 3] * (1 / w.effectiveSampleSize + 1 / Double(n))).squareRoot()
            #expect(abs(m[j] - md[j]) < 4 * error, "x\(j): reweighted \(m[j]), direct \(md[j]) ± \(error)")
        }
        #expect(abs(w.meanWeight - 1) < 0.05)
        // The trained model's LLR separates θ = 1 from θ = 0 (x0 shifts by 0.8).
        let roc = try LikelihoodRatio.rocCurve(model: model, theta0: [0], theta1: [1], background: Array(x[0..<8000]),
                                               signal: Array(direct[0..<8000]), device: cpu)
        #expect(roc.auc > 0.55, "AUC \(roc.auc)")
        let llr = try LikelihoodRatio.evaluate(model: model, events: Array(x[0..<40]), theta0: [0], theta1: [1], device: cpu)
        let l1 = try model.logProb(Array(x[0..<40]), theta: [1], device: cpu), l0 = try model.logProb(Array(x[0..<40]), theta: [0], device: cpu)
        // Float32 networks: batch shapes change the last bits.
        for i in 0..<20 { #expect(abs(llr.logRatios[i] - (l1[i] - l0[i])) < 1e-4) }
        // logProb(atEach:) is logProb at each θ (one projection, replicated device passes).
        let thetas: [[Double]] = [[-0.5], [0], [0.5], [1]]
        let each = try model.logProb(atEach: thetas, events: Array(x[0..<40]), device: cpu)
        #expect(each.count == 4)
        for (k, t) in thetas.enumerated() {
            let single = try model.logProb(Array(x[0..<40]), theta: t, device: cpu)
            #expect(zip(each[k], single).allSatisfy { abs($0 - $1) < 1e-4 }, "θ = \(t)")
        }
        #expect(try model.logProb(atEach: thetas, events: [], device: cpu) == [[], [], [], []])
        #expect(try model.logProb(atEach: [], events: Array(x[0..<40]), device: cpu).isEmpty)
    }

    @Test("coverage check: a shifted narrow target is covered poorly (tiny ESS), a near one is not; weights relative to the events' own; the [N, K] table")
    func coverageCheckAndTable() throws {
        var rng = TestRandom(seed: 5)
        let x = (0..<5000).map { _ in rng.normal() }
        let logProposal = x.map { StandardNormal.logPDF($0) }
        let near = try ImportanceWeights(logTarget: x.map { StandardNormal.logPDF($0 - 0.1) }, logProposal: logProposal)
        let far = try ImportanceWeights(logTarget: x.map { StandardNormal.logPDF(($0 - 4) / 0.2) - log(0.2) }, logProposal: logProposal)
        #expect(!near.coversPoorly() && far.coversPoorly())
        #expect(far.effectiveSampleSize < 0.01 * 5000)
        // Events of weight 3: their own mean weight is 3, and relative to it the near target's is ≈ 1.
        let weighted = try ImportanceWeights(logTarget: near.weights.map(log), logProposal: [Double](repeating: 0, count: 5000),
                                             eventWeights: [Double](repeating: 3, count: 5000))
        #expect(abs(weighted.relativeMeanWeight(ownMeanWeight: 3) - near.meanWeight) < 1e-9 && !weighted.coversPoorly(ownMeanWeight: 3))
        #expect(weighted.coversPoorly(ownMeanWeight: 1))
        let table = ImportanceWeights.table([near, far])
        #expect(table.count == 10000 && table[0] == near.weights[0] && table[1] == far.weights[0] && table[9999] == far.weights[4999])
    }
}
