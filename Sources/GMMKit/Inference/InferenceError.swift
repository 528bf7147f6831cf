/// An error in the data, parameters or settings given to the inference code: each description
/// names the field, what was expected and what was got, and says how to fix the input.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// A data set or list is empty.
    case empty(field: String)
    /// An array's size does not match the shape the call needs.
    case shapeMismatch(field: String, expected: String, got: String)
    /// A value is NaN or infinite.
    case nonFinite(field: String, index: Int, value: Double)
    /// A parameter name that the likelihood does not have.
    case unknownParameter(name: String, known: [String])
    /// A parameter of the likelihood that the fit was not told about.
    case missingParameter(name: String)
    /// The same parameter named twice.
    case duplicateParameter(name: String)
    /// A parameter's bounds are not an interval (lower > upper, or NaN).
    case invalidBounds(parameter: String, lower: Double, upper: Double)
    /// A value (start, fixed value, scan point) lies outside the parameter's bounds.
    case outsideBounds(parameter: String, value: Double, lower: Double, upper: Double)
    /// θ lies where the likelihood is not defined (e.g. outside the toy model's domain).
    case outsideDomain(theta: [Double], detail: String)
    /// An event has zero probability under the density (outside its support).
    case zeroDensity(field: String, row: Int, detail: String)
    /// The likelihood was NaN or infinite at θ.
    case nonFiniteLikelihood(theta: [Double])
    /// A setting or argument is out of range.
    case invalidArgument(name: String, expected: String, got: String)
    /// The fit has no free parameter where it needs one.
    case noFreeParameter(detail: String)
    /// The expected number of events is not positive at θ.
    case nonPositiveRate(theta: [Double], value: Double)

    public var description: String {
        switch self {
        case let .empty(field):
            return "\(field): no values; give at least one event (or point)."
        case let .shapeMismatch(field, expected, got):
            return "\(field): expected \(expected), got \(got)."
        case let .nonFinite(field, index, value):
            return "\(field): entry \(index) is \(value); every value must be finite."
        case let .unknownParameter(name, known):
            return "unknown parameter '\(name)'; the likelihood's parameters are \(known.map { "'\($0)'" }.joined(separator: ", "))."
        case let .missingParameter(name):
            return "parameter '\(name)' of the likelihood has no fit setting; list it (free or fixed)."
        case let .duplicateParameter(name):
            return "parameter '\(name)' is listed twice; list each parameter once."
        case let .invalidBounds(parameter, lower, upper):
            return "parameter '\(parameter)': bounds [\(lower), \(upper)] are not an interval; expected lower ≤ upper, neither NaN."
        case let .outsideBounds(parameter, value, lower, upper):
            return "parameter '\(parameter)': \(value) is outside its bounds [\(lower), \(upper)]; choose a value inside or widen the bounds."
        case let .outsideDomain(theta, detail):
            return "θ = (\(theta.map { "\($0)" }.joined(separator: ", "))) is outside the likelihood's domain: \(detail)."
        case let .zeroDensity(field, row, detail):
            return "\(field): row \(row) has zero probability (\(detail)); remove that event or use a model whose support covers it."
        case let .nonFiniteLikelihood(theta):
            return "the likelihood is not finite at θ = (\(theta.map { "\($0)" }.joined(separator: ", "))); check the data and the parameter bounds."
        case let .invalidArgument(name, expected, got):
            return "\(name): expected \(expected), got \(got)."
        case let .noFreeParameter(detail):
            return "no free parameter: \(detail)."
        case let .nonPositiveRate(theta, value):
            return "the expected number of events is \(value) at θ = (\(theta.map { "\($0)" }.joined(separator: ", "))); it must be positive — "
                + "check the rate model's range and the normalisation's bounds."
        }
    }
}
