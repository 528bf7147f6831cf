import Foundation
import Testing
import GMMTestSupport
@testable import GMMKit

@Suite struct ObservableProjectionTests {
    /// Gamma(2, 1) reference data, bounded below by 0 and unbounded above.
    static func gammaSample(_ n: Int, seed: UInt64) -> [Double] {
        var rng = TestRandom(seed: seed)
        return (0..<n).map { _ in rng.gamma2() }
    }

    /// Normal data on the finite interval [-pi, pi] (a hard-boundary observable like Δφ).
    static func boundedSample(_ n: Int, seed: UInt64) -> [Double] {
        var rng = TestRandom(seed: seed)
        return (0..<n).map { _ in min(max(rng.normal(), -Double.pi), Double.pi) }
    }

    static func projections() throws -> [ObservableProjection] {
        let gamma = gammaSample(3000, seed: 1)
        let bounded = boundedSample(2000, seed: 2)
        var rng = TestRandom(seed: 3)
        let weights = bounded.map { _ in rng.uniform() < 0.1 ? -0.5 : 1.5 }
        return [
            try ObservableProjection(name: "g0", values: gamma, lowerBound: 0, upperBound: .infinity, f: 0),
            try ObservableProjection(name: "g5", values: gamma, lowerBound: 0, upperBound: .infinity, f: 0.5),
            try ObservableProjection(name: "g1", values: gamma, lowerBound: -.infinity, upperBound: .infinity, f: 1),
            try ObservableProjection(
                name: "bw", values: bounded, weights: weights, lowerBound: -.pi, upperBound: .pi, f: 0),
            try ObservableProjection(name: "b2", values: bounded, lowerBound: -.pi, upperBound: .pi, f: 0.2),
            // The monotone cubic response curve, with few knots (as the model builds it).
            try ObservableProjection(name: "g5c", values: gamma, lowerBound: 0, upperBound: .infinity, f: 0.5,
                                     maxKnots: 30, interpolation: .monotoneCubic),
            try ObservableProjection(name: "bwc", values: bounded, weights: weights, lowerBound: -.pi, upperBound: .pi, f: 0,
                                     maxKnots: 20, interpolation: .monotoneCubic),
            try ObservableProjection(name: "g0c", values: gamma, lowerBound: -.infinity, upperBound: .infinity, f: 0,
                                     interpolation: .monotoneCubic),
        ]
    }

    /// A dense grid over the covered range, crowded near both edges.
    static func grid(_ p: ObservableProjection) -> [Double] {
        let a = p.supportLowerBound, b = p.supportUpperBound, w = b - a
        var xs = (0...4000).map { a + w * Double($0) / 4000 }
        for e in [1e-12, 1e-9, 1e-6, 1e-4] { xs += [a + w * e, b - w * e] }
        return xs.sorted()
    }

    @Test func strictlyIncreasingOnDenseGrid() throws {
        for p in try Self.projections() {
            let xs = Self.grid(p)
            let us = p.toLatent(xs)
            // The knot range maps onto the whole latent interval, or inside it where a tail
            // holds the mass beyond the outer knot.
            #expect(p.densityLowerBound == p.supportLowerBound ? us.first == -5 : us.first! > -5, "\(p.name)")
            #expect(p.densityUpperBound == p.supportUpperBound ? us.last == 5 : us.last! < 5, "\(p.name)")
            for k in 1..<xs.count where xs[k] > xs[k - 1] {
                #expect(us[k] > us[k - 1], "\(p.name): not increasing at x = \(xs[k])")
            }
            let qs = p.table.knotsQ
            #expect(zip(qs, qs.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    @Test func fromLatentInvertsToLatent() throws {
        for p in try Self.projections() {
            let scale = p.supportUpperBound - p.supportLowerBound
            for x in Self.grid(p) {
                let back = p.fromLatent(p.toLatent(x))
                #expect(abs(back - x) <= 1e-9 * max(scale, abs(x)), "\(p.name): x = \(x) came back as \(back)")
            }
            for u in stride(from: -5.0, through: 5.0, by: 0.01) {
                #expect(abs(p.toLatent(p.fromLatent(u)) - u) < 1e-8, "\(p.name): u = \(u)")
            }
        }
    }

    @Test func jacobianMatchesFiniteDifferencesAwayFromKnots() throws {
        var rng = TestRandom(seed: 11)
        for p in try Self.projections() {
            let knots = p.table.knotsX
            for _ in 0..<300 {
                let j = Int(rng.uniform() * Double(knots.count - 1))
                let (l, r) = (knots[j], knots[j + 1])
                let x = l + (r - l) * (0.25 + 0.5 * rng.uniform())
                let h = (r - l) * 1e-4
                let numeric = (p.toLatent(x + h) - p.toLatent(x - h)) / (2 * h)
                let analytic = exp(p.logAbsJacobian(x))
                #expect(abs(numeric - analytic) <= 1e-5 * analytic, "\(p.name): x = \(x)")
            }
        }
    }

    @Test func jacobianTimesLatentDensityIntegratesToProbability() throws {
        for p in try Self.projections() {
            // Interior-point (Gauss) rule per segment: the Jacobian steps at the knots.
            // p_x(x) = q_u(h(x)) |h'(x)| must integrate over [x1, x2] to Q_u(h(x2)) - Q_u(h(x1)) (Eq. 8).
            let knots = p.table.knotsX
            let density = { (x: Double) in exp(p.target.logDensity(p.toLatent(x)) + p.logAbsJacobian(x)) }
            var total = 0.0
            for j in 0..<(knots.count - 1) {
                // A segment a tail replaced is exponential: 64 pieces keep the rule's error below 1e-12.
                let pieces = j == 0 || j == knots.count - 2 ? 64 : 1
                let step = (knots[j + 1] - knots[j]) / Double(pieces)
                for k in 0..<pieces { total += gauss3(knots[j] + step * Double(k), knots[j] + step * Double(k + 1), density) }
            }
            // A tail beyond an outer knot: pieces of doubling length out to 2^14 segment widths.
            for (tailed, edge, width, direction) in [
                (p.densityLowerBound < p.supportLowerBound, knots[0], knots[1] - knots[0], -1.0),
                (p.densityUpperBound > p.supportUpperBound, knots[knots.count - 1], knots[knots.count - 1] - knots[knots.count - 2], 1.0),
            ] where tailed {
                var near = 0.0
                for k in 0..<15 {
                    let far = k == 0 ? width / 64 : near * 2
                    for piece in 0..<64 {
                        let (a, b) = (near + (far - near) * Double(piece) / 64, near + (far - near) * Double(piece + 1) / 64)
                        total += gauss3(edge + direction * a, edge + direction * b, density) * direction
                    }
                    near = far
                }
            }
            #expect(abs(total - 1) < 1e-9, "\(p.name): total probability \(total)")
            let x1 = knots[knots.count / 4], x2 = knots[3 * knots.count / 4]
            let expected = p.target.cdf(p.toLatent(x2)) - p.target.cdf(p.toLatent(x1))
            var partial = 0.0
            for j in (knots.count / 4)..<(3 * knots.count / 4) {
                partial += gauss3(knots[j], knots[j + 1]) { x in
                    exp(p.target.logDensity(p.toLatent(x)) + p.logAbsJacobian(x))
                }
            }
            #expect(abs(partial - expected) < 1e-9, "\(p.name)")
        }
    }

    @Test func latentSampleFollowsTargetWhenFIsZero() throws {
        let reference = Self.gammaSample(20_000, seed: 21)
        let p = try ObservableProjection(name: "g", values: reference, lowerBound: 0, upperBound: .infinity, f: 0)
        // Fresh data from the same distribution, inside the covered range.
        let fresh = Self.gammaSample(5000, seed: 22).filter { $0 <= p.supportUpperBound }
        let us = try p.checkedToLatent(fresh)
        #expect(us.allSatisfy { $0 >= -5 && $0 <= 5 })
        let d = kolmogorovSmirnov(us) { p.target.cdf($0) }
        // 1.36 / sqrt(n) is the 95% critical value; allow a loose factor of 2.
        #expect(d < 2 * 1.36 / sqrt(Double(us.count)), "KS statistic \(d)")
        let dReference = kolmogorovSmirnov(p.toLatent(reference)) { p.target.cdf($0) }
        #expect(dReference < 0.005, "KS statistic on the reference data \(dReference)")
    }

    @Test func monotoneCubicSlopeIsContinuousAtKnots() throws {
        for p in try Self.projections() where p.table.interpolation == .monotoneCubic {
            // log Q_x' = log|dh/dx| + log q_u(h(x)) is continuous across every knot (a linear
            // curve would jump by the ratio of neighbouring slopes).
            let knots = p.table.knotsX
            func logSlope(_ x: Double) -> Double { p.logAbsJacobian(x) + p.target.logDensity(p.toLatent(x)) }
            for j in 1..<(knots.count - 1) {
                let h = 1e-7 * min(knots[j] - knots[j - 1], knots[j + 1] - knots[j])
                #expect(abs(logSlope(knots[j] - h) - logSlope(knots[j] + h)) < 1e-4, "\(p.name): Q_x' jumps at knot \(j)")
            }
            let copy = try ObservableProjection(table: p.table)
            #expect(copy.toLatent(knots[1] * 0.7 + knots[2] * 0.3) == p.toLatent(knots[1] * 0.7 + knots[2] * 0.3))
        }
    }

    @Test func linearResponseWhenFIsOne() throws {
        let p = try ObservableProjection(
            name: "lin", values: Self.boundedSample(500, seed: 5), lowerBound: -.pi, upperBound: .pi, f: 1)
        for x in stride(from: -3.0, through: 3.0, by: 0.1) {
            #expect(abs(p.responseCDF(x) - (x + .pi) / (2 * .pi)) < 1e-14)
        }
    }

    @Test func weightsActLikeRepeatedEvents() throws {
        let values = [0.3, 1.2, 2.5, 0.7, 4.0]
        let weighted = try ObservableProjection(
            name: "w", values: values, weights: [2, 1, 3, 1, 1], lowerBound: 0, upperBound: 5, f: 0.3)
        let repeated = try ObservableProjection(
            name: "w", values: [0.3, 0.3, 1.2, 2.5, 2.5, 2.5, 0.7, 4.0], lowerBound: 0, upperBound: 5, f: 0.3)
        #expect(weighted.table.knotsX == repeated.table.knotsX)
        for (a, b) in zip(weighted.table.knotsQ, repeated.table.knotsQ) { #expect(abs(a - b) < 1e-15) }
    }

    @Test func negativeWeightsStayStrictlyMonotoneEvenWithFZero() throws {
        // The negative weight makes the raw weighted CDF decrease between 1 and 2.
        let p = try ObservableProjection(
            name: "neg", values: [0.5, 1, 1.5, 2, 3], weights: [1, 1, -1.5, 1, 1], lowerBound: 0, upperBound: 4, f: 0)
        let qs = p.table.knotsQ
        #expect(zip(qs, qs.dropFirst()).allSatisfy { $0 < $1 })
        let xs = stride(from: 0.0, through: 4.0, by: 0.001).map { $0 }
        let us = p.toLatent(xs)
        #expect(zip(us, us.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func nonPositiveTotalWeightIsAnError() {
        #expect(throws: ProjectionError.nonPositiveTotalWeight(observable: "x", total: -1)) {
            try ObservableProjection(name: "x", values: [1, 2], weights: [1, -2], lowerBound: 0, upperBound: 3, f: 0.5)
        }
    }

    @Test func infiniteSidesUseDataRangeWithMargin() throws {
        let p = try ObservableProjection(
            name: "pt", values: [10, 20, 30, 110], lowerBound: -.infinity, upperBound: .infinity, f: 0.5)
        #expect(abs(p.supportLowerBound - 5) < 1e-12)
        #expect(abs(p.supportUpperBound - 115) < 1e-12)
        #expect(p.lowerBound == -.infinity && p.upperBound == .infinity)
        #expect(p.table.declaredLowerBound == nil)
        // Beyond the table on an unbounded side: the exponential tail, inside the latent interval.
        #expect(p.densityLowerBound == -.infinity && p.densityUpperBound == .infinity)
        #expect(p.toLatent(200) < 5 && p.toLatent(200) > p.toLatent(115) && p.toLatent(-100) > -5)
        #expect(try p.checkedToLatent(200) == p.toLatent(200))
        #expect(p.logAbsJacobian(1e6).isFinite)
        // A table without tails (a file written before they existed): checked call fails, unchecked clamps.
        var table = p.table
        table.tails = .none
        let untailed = try ObservableProjection(table: table)
        #expect(untailed.toLatent(200) == 5)
        do {
            _ = try untailed.checkedToLatent(200)
            Issue.record("expected an error")
        } catch {
            guard case .valueOutsideSupport = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("pt") && error.description.contains("200"))
        }
        let single = try ObservableProjection(name: "c", values: [7, 7], lowerBound: 0, upperBound: .infinity, f: 0)
        #expect(single.supportLowerBound == 0 && abs(single.supportUpperBound - 7.35) < 1e-12)
    }

    @Test func checkedVariantsNameObservableValueAndInterval() throws {
        let p = try ObservableProjection(name: "dphi", values: [-1, 0, 1], lowerBound: -.pi, upperBound: .pi, f: 0.5)
        do {
            _ = try p.checkedToLatent([0.5, 4.0])
            Issue.record("expected an error")
        } catch {
            #expect(error == .valueOutsideInterval(observable: "dphi", index: 1, value: 4, lower: -.pi, upper: .pi))
            #expect(error.description.contains("'dphi'") && error.description.contains("4.0")
                && error.description.contains("[-3.14159"))
        }
        #expect(throws: ProjectionError.self) { try p.checkedLogAbsJacobian(.nan) }
        #expect(throws: ProjectionError.self) { try p.checkedFromLatent(5.5) }
        #expect(try p.checkedFromLatent(5) == .pi)
    }

    @Test func invalidInputsAreRejected() {
        #expect(throws: ProjectionError.emptyData(observable: "e")) {
            try ObservableProjection(name: "e", values: [], lowerBound: 0, upperBound: 1, f: 0.5)
        }
        #expect(throws: ProjectionError.valueOutsideInterval(observable: "e", index: 1, value: 2, lower: 0, upper: 1)) {
            try ObservableProjection(name: "e", values: [0.5, 2], lowerBound: 0, upperBound: 1, f: 0.5)
        }
        #expect(throws: ProjectionError.invalidProjectionF(observable: "e", f: 1.5)) {
            try ObservableProjection(name: "e", values: [0.5], lowerBound: 0, upperBound: 1, f: 1.5)
        }
        #expect(throws: ProjectionError.invalidInterval(observable: "e", lower: 1, upper: 1)) {
            try ObservableProjection(name: "e", values: [1], lowerBound: 1, upperBound: 1, f: 0.5)
        }
        #expect(throws: ProjectionError.countMismatch(observable: "e", values: 1, weights: 2)) {
            try ObservableProjection(name: "e", values: [0.5], weights: [1, 1], lowerBound: 0, upperBound: 1, f: 0.5)
        }
    }

    @Test func manyValuesAreThinnedToQuantileKnots() throws {
        let p = try ObservableProjection(
            name: "big", values: Self.gammaSample(50_000, seed: 31), lowerBound: 0, upperBound: .infinity, f: 0)
        #expect(p.table.knotsX.count <= 1002 && p.table.knotsX.count > 900)
        // Knots at weighted quantiles: Q steps are close to 1/1000.
        let qs = p.table.knotsQ
        let maxStep = zip(qs, qs.dropFirst()).map { $1 - $0 }.max() ?? 1
        #expect(maxStep < 0.003)
    }

    @Test func dataOnTheBoundaryMergesIntoTheEndKnot() throws {
        let p = try ObservableProjection(name: "b", values: [0, 0, 0.5, 1], lowerBound: 0, upperBound: 1, f: 0)
        #expect(p.table.knotsX == [0, 0.5, 1])
        #expect(p.toLatent(0) == -5 && p.toLatent(1) == 5)
    }

    @Test func jsonRoundTripIsBitExact() throws {
        var rng = TestRandom(seed: 41)
        let values = (0..<700).map { _ in rng.normal() * 1e3 + 0.1 }
        let p = try ObservableProjection(
            name: "rt", values: values, lowerBound: -.infinity, upperBound: 1e4, f: 0.3,
            target: try LatentTarget(alpha: 4.1, beta: 2.9, gamma: 1.3, lowerBound: -5.5, upperBound: 5.25))
        let data = try JSONEncoder().encode(p)
        let back = try JSONDecoder().decode(ObservableProjection.self, from: data)
        #expect(back == p)
        #expect(back.table.knotsX.map(\.bitPattern) == p.table.knotsX.map(\.bitPattern))
        #expect(back.table.knotsQ.map(\.bitPattern) == p.table.knotsQ.map(\.bitPattern))
        for x in [-2000.0, 0.1, 1234.5] { #expect(back.toLatent(x).bitPattern == p.toLatent(x).bitPattern) }
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"knots_x\"") && text.contains("\"projection_f\"") && !text.contains("\"lower_bound\""))
    }

    @Test func jsonKeepsAwkwardDoublesBitExact() throws {
        let awkward = [0.1, 1.0 / 3, 0.1 + 0.2, .pi, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1.7976931348623157e308,
                       -0.0, 123_456_789.123_456_78, 1e-7, 9_007_199_254_740_992.0.nextUp]
        let table = ProjectionTable(
            name: "awkward", declaredLowerBound: -1e300, declaredUpperBound: nil, projectionF: 0.1 + 0.2,
            knotsX: awkward, knotsQ: awkward.reversed(), target: .standard)
        let back = try JSONDecoder().decode(ProjectionTable.self, from: JSONEncoder().encode(table))
        #expect(back.knotsX.map(\.bitPattern) == awkward.map(\.bitPattern))
        #expect(back.knotsQ.map(\.bitPattern) == awkward.reversed().map(\.bitPattern))
        #expect(back.projectionF.bitPattern == (0.1 + 0.2).bitPattern && back.declaredUpperBound == nil)
    }

    @Test func corruptedTableIsRejected() throws {
        let p = try ObservableProjection(name: "t", values: [1, 2, 3], lowerBound: 0, upperBound: 4, f: 0.5)
        var table = p.table
        table.knotsQ[1] = table.knotsQ[2]
        #expect(throws: ProjectionError.self) { try ObservableProjection(table: table) }
        table = p.table
        table.knotsQ[table.knotsQ.count - 1] = 0.99
        #expect(throws: ProjectionError.self) { try ObservableProjection(table: table) }
        table = p.table
        table.knotsX.removeLast()
        #expect(throws: ProjectionError.self) { try ObservableProjection(table: table) }
    }
}
