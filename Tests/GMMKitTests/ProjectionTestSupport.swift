import Foundation
import GMMKit

/// Seeded draws for the tests: uniforms, normals and Gamma(2, 1) values from
/// ``SeededGenerator``.
struct TestRandom {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Uniform in (0, 1).
    mutating func uniform() -> Double { generator.nextOpenUnitDouble() }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform())
    }

    /// A skewed, unbounded-above sample: a Gamma(2, 1)-distributed value (sum of two exponentials).
    mutating func gamma2() -> Double {
        -log(uniform()) - log(uniform())
    }
}

