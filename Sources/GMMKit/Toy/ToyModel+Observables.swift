extension ToyModel {
    /// One observable's name and the interval it lives on; an unbounded side is
    /// `-infinity` / `+infinity`.
    public struct Observable: Sendable, Hashable {
        /// The name, "x0" ... "x3".
        public var name: String
        /// The lower bound (may be `-infinity`).
        public var lower: Double
        /// The upper bound (may be `+infinity`).
        public var upper: Double

        /// Creates an observable on [lower, upper].
        public init(name: String, lower: Double, upper: Double) {
            self.name = name
            self.lower = lower
            self.upper = upper
        }

        /// Whether `value` lies in the closed interval [lower, upper] (NaN does not).
        public func contains(_ value: Double) -> Bool {
            value >= lower && value <= upper
        }
    }

    /// The four observables and their intervals (A.3), shape `[4]`:
    /// x0, x1 in [100, 800], x2 in [-pi, pi], x3 in (-infinity, infinity).
    public static let observables: [Observable] = [
        Observable(name: "x0", lower: 100, upper: 800),
        Observable(name: "x1", lower: 100, upper: 800),
        Observable(name: "x2", lower: -Double.pi, upper: Double.pi),
        Observable(name: "x3", lower: -.infinity, upper: .infinity),
    ]
}
