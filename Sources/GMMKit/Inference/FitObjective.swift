/// The function a fit minimises: the NLL plus the Gaussian constraint terms, as a function of
/// the free parameters only (the others held at their fixed values), with an evaluation count.
final class FitObjective {
    let nll: NegativeLogLikelihood
    /// The settings, in the likelihood's parameter order, [p].
    let parameters: [FitParameter]
    /// Values of every parameter; the free entries are overwritten per evaluation.
    private(set) var base: [Double]
    /// Indices of the free parameters.
    let freeIndices: [Int]
    /// Evaluations so far (θ points).
    var evaluations = 0

    /// The objective with the parameters of `fixing` held at the given values besides those the
    /// settings fix; the others start from `base` [p].
    init(nll: NegativeLogLikelihood, parameters: [FitParameter], base: [Double], fixing: [Int: Double] = [:]) {
        self.nll = nll
        self.parameters = parameters
        var values = base
        for (i, parameter) in parameters.enumerated() { if let v = parameter.fixedValue { values[i] = v } }
        for (i, v) in fixing { values[i] = v }
        self.base = values
        freeIndices = parameters.indices.filter { parameters[$0].isFree && fixing[$0] == nil }
    }

    var lower: [Double] { freeIndices.map { parameters[$0].lower } }
    var upper: [Double] { freeIndices.map { parameters[$0].upper } }

    /// The full θ for free values `x`.
    func full(_ x: [Double]) -> [Double] {
        var theta = base
        for (k, i) in freeIndices.enumerated() { theta[i] = x[k] }
        return theta
    }

    /// The free values of a full θ.
    func free(_ theta: [Double]) -> [Double] { freeIndices.map { theta[$0] } }

    /// Σ of the constraint terms at θ.
    func constraintValue(_ theta: [Double]) -> Double {
        parameters.indices.reduce(0) { total, i in total + (parameters[i].constraint?.value(theta[i]) ?? 0) }
    }

    /// The objective at free values `x`.
    func value(_ x: [Double]) throws -> Double {
        let theta = full(x)
        evaluations += 1
        return try nll.value(theta) + constraintValue(theta)
    }

    /// The objective and its gradient with respect to the free values, at several points at once.
    func valuesAndGradients(_ xs: [[Double]]) throws -> [(value: Double, gradient: [Double])] {
        let thetas = xs.map(full)
        evaluations += xs.count
        return try nll.valuesAndGradients(thetas).enumerated().map { k, result in
            let theta = thetas[k]
            let gradient = freeIndices.map { i in result.gradient[i] + (parameters[i].constraint?.derivative(theta[i]) ?? 0) }
            return (result.value + constraintValue(theta), gradient)
        }
    }

    /// The objective and its gradient at free values `x`.
    func valueAndGradient(_ x: [Double]) throws -> (value: Double, gradient: [Double]) { try valuesAndGradients([x])[0] }
}
