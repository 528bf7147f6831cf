/// Events for a model: observables x, the external parameters θ they were simulated at, and
/// optional weights. Arrays are row-major.
public struct Events: Sendable {
    /// Observables, [count, d], columns in config order.
    public var x: [Double]
    /// External parameters, [count, p] (p = 0 for an unconditional model).
    public var theta: [Double]
    /// Event weights, [count], or nil for unit weights (negative weights are allowed).
    public var weights: [Double]?
    /// Number of events.
    public let count: Int
    /// Observables per event (d).
    public let observableCount: Int
    /// Parameters per event (p).
    public let parameterCount: Int

    /// Events with `d` observables and `p` parameters each; checks the array sizes and that
    /// every value is finite.
    public init(x: [Double], theta: [Double], weights: [Double]? = nil, observables d: Int, parameters p: Int) throws {
        guard d > 0 else { throw ModelError.invalidArgument(name: "observables", expected: "at least 1", got: "\(d)") }
        guard x.count % d == 0 else {
            throw ModelError.shapeMismatch(field: "x", expected: "[N, \(d)] (a multiple of \(d) values)", got: "\(x.count) values")
        }
        let n = x.count / d
        guard theta.count == n * p else {
            throw ModelError.shapeMismatch(field: "theta", expected: "[\(n), \(p)] = \(n * p) values", got: "\(theta.count) values")
        }
        if let weights, weights.count != n {
            throw ModelError.shapeMismatch(field: "weights", expected: "[\(n)]", got: "\(weights.count) values")
        }
        for (i, v) in x.enumerated() where !v.isFinite { throw ModelError.nonFinite(field: "x", row: i / d, column: i % d, value: v) }
        if p > 0 {
            for (i, v) in theta.enumerated() where !v.isFinite {
                throw ModelError.nonFinite(field: "theta", row: i / p, column: i % p, value: v)
            }
        }
        for (i, v) in (weights ?? []).enumerated() where !v.isFinite { throw ModelError.nonFinite(field: "weights", row: i, column: 0, value: v) }
        self.x = x
        self.theta = theta
        self.weights = weights
        count = n
        observableCount = d
        parameterCount = p
    }

    /// The weight of event `i` (1 without weights).
    @inline(__always) public func weight(_ i: Int) -> Double { weights?[i] ?? 1 }

    /// The θ of event `i`, [p].
    public func parameters(of i: Int) -> ArraySlice<Double> { theta[(i * parameterCount)..<((i + 1) * parameterCount)] }

    /// The distinct θ points, numbered by first appearance, and the point of each event, [N].
    public func thetaPoints() -> (points: [[Double]], indices: [Int]) {
        let (indices, firstRows) = distinctRows(theta, width: parameterCount, rows: count)
        return (firstRows.map { Array(parameters(of: $0)) }, indices)
    }

    /// The events with indices `indices`, in that order.
    public func subset(_ indices: [Int]) -> Events {
        var sx = [Double](), st = [Double]()
        sx.reserveCapacity(indices.count * observableCount)
        st.reserveCapacity(indices.count * parameterCount)
        for i in indices {
            sx.append(contentsOf: x[(i * observableCount)..<((i + 1) * observableCount)])
            st.append(contentsOf: parameters(of: i))
        }
        // Sizes and values were checked when `self` was made.
        return Events(checkedX: sx, theta: st, weights: weights.map { w in indices.map { w[$0] } },
                      observables: observableCount, parameters: parameterCount)
    }

    /// Events from arrays already known to be valid (sizes match, every value finite).
    init(checkedX x: [Double], theta: [Double], weights: [Double]?, observables d: Int, parameters p: Int) {
        self.x = x
        self.theta = theta
        self.weights = weights
        count = x.count / d
        observableCount = d
        parameterCount = p
    }
}

/// The rows of a row-major [rows, width] array numbered by first appearance of their values:
/// each row's number, [rows], and the first row of each number. Rows equal to the row before
/// them (events stored by θ point) are numbered without a lookup.
func distinctRows(_ values: [Double], width: Int, rows: Int) -> (numbers: [Int], firstRows: [Int]) {
    var number: [ArraySlice<Double>: Int] = [:]
    var numbers = [Int](repeating: 0, count: rows)
    var firstRows: [Int] = []
    for r in 0..<rows {
        let key = values[(r * width)..<((r + 1) * width)]
        if r > 0, key == values[((r - 1) * width)..<(r * width)] {
            numbers[r] = numbers[r - 1]
        } else if let k = number[key] {
            numbers[r] = k
        } else {
            number[key] = firstRows.count
            numbers[r] = firstRows.count
            firstRows.append(r)
        }
    }
    return (numbers, firstRows)
}
