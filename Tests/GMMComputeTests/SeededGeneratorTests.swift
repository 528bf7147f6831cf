import Testing
@testable import GMMCompute

/// The seeded generator (the one test suite of it): reproducible seeds and streams, and uniforms strictly inside (0, 1) as the
/// samplers require (a uniform of exactly 1 makes an untruncated sample +∞).
@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 10)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    /// A generator that always returns the same 64 bits.
    struct ConstantGenerator: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value }
    }

    /// The most extreme draws (all bits set, none set) still give uniforms strictly inside
    /// (0, 1), in float and double.
    @Test func extremeDrawsStayInsideTheOpenInterval() {
        var high = ConstantGenerator(value: .max), low = ConstantGenerator(value: 0)
        let (f1, f0) = (high.nextOpenUnitFloat(), low.nextOpenUnitFloat())
        #expect(f1 < 1 && f0 > 0, "nextOpenUnitFloat() gave \(f0) and \(f1)")
        let (d1, d0) = (high.nextOpenUnitDouble(), low.nextOpenUnitDouble())
        #expect(d1 < 1 && d0 > 0, "nextOpenUnitDouble() gave \(d0) and \(d1)")
    }

    /// Uniforms from 1M draws: inside (0, 1), mean 1/2 within 4 standard errors (√(1/12n)).
    @Test func uniformsAreUniform() {
        var rng = SeededGenerator(seed: 12)
        let n = 1_000_000
        var total = 0.0
        var inside = true
        for _ in 0..<n {
            let u = rng.nextOpenUnitFloat()
            inside = inside && u > 0 && u < 1
            total += Double(u)
        }
        #expect(inside)
        #expect(abs(total / Double(n) - 0.5) < 4 * (1.0 / (12.0 * Double(n))).squareRoot())
        let d = (0..<1000).map { _ in rng.nextOpenUnitDouble() }
        #expect(d.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(rng.floats(1000, in: -3...2).allSatisfy { $0 >= -3 && $0 <= 2 })
    }

    @Test func streamsDiffer() {
        var s0 = SeededGenerator(seed: 9, stream: 0)
        var s1 = SeededGenerator(seed: 9, stream: 1)
        var plain = SeededGenerator(seed: 9)
        let first = s0.next()
        #expect(first != s1.next())
        #expect(first == plain.next())
    }

    @Test func zeroSeedIsUsable() {
        var g = SeededGenerator(seed: 0)
        let values = (0..<8).map { _ in g.next() }
        #expect(Set(values).count == 8)
    }

    @Test func openUnitDoublesAreStrictlyInside() {
        var g = SeededGenerator(seed: 77)
        var sum = 0.0
        let n = 100_000
        for _ in 0..<n {
            let u = g.nextOpenUnitDouble()
            #expect(u > 0 && u < 1)
            sum += u
        }
        // Mean of n uniforms: standard error 1 / sqrt(12 n) ~ 0.0009.
        #expect(abs(sum / Double(n) - 0.5) < 0.005)
    }
}
