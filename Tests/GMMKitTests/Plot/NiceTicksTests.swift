import Testing
@testable import GMMKit

@Suite struct NiceTicksTests {
    /// True when `step` is 1, 2, 2.5 or 5 times a power of ten.
    func isNice(_ step: Double) -> Bool {
        var m = step
        while m >= 10 { m /= 10 }
        while m < 1 { m *= 10 }
        return [1.0, 2, 2.5, 5, 10].contains { abs(m - $0) < 1e-9 }
    }

    @Test(arguments: [(0.0, 1.0), (-3.2, 7.9), (100, 800), (0.00123, 0.00457), (-1e6, 3e6), (5, 5.0001), (-3.14159, 3.14159), (0.9, 1.1), (-47.3, -12.0)])
    func ticksAreNiceAndCoverTheRange(_ range: (Double, Double)) {
        let (lower, upper) = range
        let ticks = NiceTicks.linear(lower: lower, upper: upper)
        #expect(isNice(ticks.step), "step \(ticks.step)")
        #expect(ticks.values.count >= 3 && ticks.values.count <= 11, "\(ticks.values)")
        for v in ticks.values {
            #expect(v >= lower - 1e-9 * ticks.step && v <= upper + 1e-9 * ticks.step)
            let k = v / ticks.step
            #expect(abs(k - k.rounded()) < 1e-6, "\(v) is not a multiple of \(ticks.step)")
        }
        // Covering: no gap of a whole step at either end.
        #expect(ticks.values[0] - lower < ticks.step * (1 + 1e-9))
        #expect(upper - ticks.values[ticks.values.count - 1] < ticks.step * (1 + 1e-9))
        #expect(zip(ticks.values, ticks.values.dropFirst()).allSatisfy { abs($1 - $0 - ticks.step) < 1e-9 * max(1, ticks.step) })
        #expect(ticks.labels.count == ticks.values.count)
        #expect(Set(ticks.labels).count == ticks.labels.count, "labels repeat: \(ticks.labels)")
    }

    @Test func labelsAreShortAndExact() {
        #expect(NiceTicks.linear(lower: 0, upper: 1).labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(NiceTicks.linear(lower: -1, upper: 1.2).labels.first == "\u{2212}1.0")
        #expect(NiceTicks.linear(lower: 100, upper: 800).labels == ["100", "200", "300", "400", "500", "600", "700", "800"]
            || NiceTicks.linear(lower: 100, upper: 800).step == 200)
        #expect(NiceTicks.linear(lower: 0, upper: 10).step == 2)
        #expect(NiceTicks.linear(lower: 0, upper: 12.5).step == 2.5)
        #expect(NiceTicks.label(2.5, step: 2.5) == "2.5")
        #expect(NiceTicks.linear(lower: 0, upper: 4e6).labels.last == "4×10⁶")
        #expect(NiceTicks.linear(lower: 0, upper: 4e-4).labels[1].hasSuffix("×10⁻⁴"))
    }

    @Test func logarithmicTicksArePowersOfTen() {
        let ticks = NiceTicks.logarithmic(lower: 0.003, upper: 250)
        #expect(ticks.values == [0.01, 0.1, 1, 10, 100])
        #expect(ticks.labels == ["10⁻²", "10⁻¹", "10⁰", "10¹", "10²"])
        #expect(ticks.minor.allSatisfy { $0 >= 0.003 && $0 <= 250 })
        // Less than a decade falls back to linear ticks.
        #expect(NiceTicks.logarithmic(lower: 2, upper: 8).values == NiceTicks.linear(lower: 2, upper: 8).values)
    }

    @Test func degenerateRangesGiveOneTick() {
        #expect(NiceTicks.linear(lower: 3, upper: 3).values == [3])
        #expect(NiceTicks.linear(lower: .nan, upper: 1).values.count == 1)
    }

    @Test func minorTicksSitBetweenMajorOnes() {
        let ticks = NiceTicks.linear(lower: 0, upper: 1)
        #expect(ticks.minor.count > ticks.values.count)
        #expect(ticks.minor.allSatisfy { m in !ticks.values.contains(m) && m >= 0 && m <= 1 })
    }
}
