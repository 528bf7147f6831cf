/// A bounded quasi-Newton minimiser: BFGS with a dense inverse-Hessian estimate (the fits have
/// a handful of parameters), an active set for the bounds (a variable at a bound whose gradient
/// points outwards is held), steps projected onto the box, and a backtracking Armijo line
/// search that tolerates the likelihood's rounding (``NegativeLogLikelihood/valuePrecision``).
/// Convergence: EDM = ½ gᵀ V g over the variables not held, below ``FitOptions/edmTolerance``.
struct BoundedQuasiNewton {
    /// The outcome of one minimisation.
    struct Result {
        var x: [Double]
        var value: Double
        var gradient: [Double]
        /// The final inverse-Hessian estimate V.
        var inverseHessian: [[Double]]
        var edm: Double
        var status: FitStatus
        var iterations: Int
    }

    var options: FitOptions

    /// Minimises `objective` over its free parameters from `start` (clamped into the bounds).
    ///
    /// - Parameter inverseHessian: a starting V (e.g. from an earlier fit); nil starts from a
    ///   scaled identity after the first step.
    func minimise(_ objective: FitObjective, start: [Double], inverseHessian initial: [[Double]]? = nil) throws -> Result {
        let lower = objective.lower, upper = objective.upper
        let n = start.count
        func clamp(_ x: [Double]) -> [Double] { (0..<n).map { min(upper[$0], max(lower[$0], x[$0])) } }
        var x = clamp(start)
        var (f, g) = try objective.valueAndGradient(x)
        guard f.isFinite, g.allSatisfy(\.isFinite) else { throw InferenceError.nonFiniteLikelihood(theta: objective.full(x)) }
        let identity = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        var v = initial ?? identity
        var scaled = initial != nil
        let slack = 2 * objective.nll.valuePrecision
        var iterations = 0
        var status = FitStatus.maxIterationsReached
        var edm = Double.infinity
        while true {
            // Held variables: at a bound with the gradient pushing outwards.
            let held = (0..<n).map { i in (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) }
            let freeGradient = (0..<n).map { held[$0] ? 0 : g[$0] }
            var direction = (0..<n).map { i in held[i] ? 0 : -(0..<n).reduce(0) { $0 + (held[$1] ? 0 : v[i][$1] * freeGradient[$1]) } }
            edm = -0.5 * zip(freeGradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            if n == 0 || freeGradient.allSatisfy({ $0 == 0 }) || (edm >= 0 && edm < options.edmTolerance) {
                status = .converged
                if n == 0 || freeGradient.allSatisfy({ $0 == 0 }) { edm = 0 }
                break
            }
            if iterations >= options.maxIterations { break }
            var slope = zip(g, direction).reduce(0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) {
                // Not a descent direction: restart from steepest descent.
                v = identity
                scaled = false
                direction = freeGradient.map { -$0 }
                slope = -freeGradient.reduce(0) { $0 + $1 * $1 }
            }
            // Without a curvature estimate yet, the first trial step moves no variable by more than 0.1.
            var alpha = 1.0
            if !scaled {
                let largest = direction.map(Swift.abs).max() ?? 1
                alpha = min(1, 0.1 / largest)
            }
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<50 {
                let trial = clamp((0..<n).map { x[$0] + alpha * direction[$0] })
                let step = (0..<n).map { trial[$0] - x[$0] }
                if step.allSatisfy({ $0 == 0 }) { break }
                let decrease = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
                let (ft, gt) = try objective.valueAndGradient(trial)
                if ft.isFinite, gt.allSatisfy(\.isFinite), ft <= f + 1e-4 * decrease + slack, ft <= f + slack {
                    accepted = (trial, ft, gt)
                    break
                }
                // Quadratic interpolation of the step, kept within [0.1, 0.5] of the last one.
                let predicted = ft.isFinite ? -decrease / (2 * (ft - f - decrease)) : 0.1
                alpha *= min(0.5, max(0.1, predicted.isFinite ? predicted : 0.1))
            }
            guard let (xn, fn, gn) = accepted else {
                status = .lineSearchFailed
                break
            }
            let s = (0..<n).map { xn[$0] - x[$0] }
            let y = (0..<n).map { gn[$0] - g[$0] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let yy = y.reduce(0) { $0 + $1 * $1 }
            let ss = s.reduce(0) { $0 + $1 * $1 }
            if sy > 1e-12 * (ss * yy).squareRoot() {
                if !scaled {
                    v = identity.map { $0.map { $0 * sy / yy } }
                    scaled = true
                }
                // V ← (I − ρ s yᵀ) V (I − ρ y sᵀ) + ρ s sᵀ.
                let rho = 1 / sy
                let vy = SymmetricMatrix.multiply(v, y)
                let yvy = zip(y, vy).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n {
                    for j in 0..<n {
                        v[i][j] += -rho * (s[i] * vy[j] + vy[i] * s[j]) + (rho * rho * yvy + rho) * s[i] * s[j]
                    }
                }
            }
            (x, f, g) = (xn, fn, gn)
            iterations += 1
        }
        return Result(x: x, value: f, gradient: g, inverseHessian: v, edm: edm, status: status, iterations: iterations)
    }
}
