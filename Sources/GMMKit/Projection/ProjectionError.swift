/// Errors raised while building, loading or applying a latent projection.
///
/// Every description names the observable (or target field), the offending value,
/// what was expected, and how to fix it.
public enum ProjectionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No values were given for the observable.
    case emptyData(observable: String)
    /// `values` and `weights` have different lengths.
    case countMismatch(observable: String, values: Int, weights: Int)
    /// A value (data point or argument) is NaN or infinite; `index` is its position in an array, if any.
    case nonFiniteValue(observable: String, index: Int?, value: Double)
    /// An event weight is NaN or infinite.
    case nonFiniteWeight(observable: String, index: Int, weight: Double)
    /// The weights sum to zero or less.
    case nonPositiveTotalWeight(observable: String, total: Double)
    /// A value lies outside the observable's declared interval `[lower, upper]`.
    case valueOutsideInterval(observable: String, index: Int?, value: Double, lower: Double, upper: Double)
    /// A value lies inside the declared interval but outside the range the projection covers
    /// (only possible for an unbounded side, where the table ends at the data range plus a margin).
    case valueOutsideSupport(observable: String, index: Int?, value: Double, supportLower: Double, supportUpper: Double)
    /// A latent value lies outside the latent interval `[uMin, uMax]`.
    case latentOutsideInterval(observable: String, index: Int?, value: Double, uMin: Double, uMax: Double)
    /// The declared interval is empty, reversed or NaN.
    case invalidInterval(observable: String, lower: Double, upper: Double)
    /// The projection constant `f` is outside `[0, 1]`.
    case invalidProjectionF(observable: String, f: Double)
    /// The knot budget is below the minimum of 1.
    case invalidKnotCount(observable: String, maxKnots: Int)
    /// A latent-target parameter is invalid; `field` is its key (`alpha`, `u_min`, ...).
    case invalidTarget(field: String, value: Double, expected: String)
    /// A stored knot table is inconsistent.
    case invalidTable(observable: String, reason: String)

    /// A one-paragraph explanation: what is wrong, where, what was expected, and how to fix it.
    public var description: String {
        switch self {
        case let .emptyData(name):
            return "observable '\(name)': no values were given to build the projection; "
                + "pass at least one value of the observable at the reference parameters."
        case let .countMismatch(name, values, weights):
            return "observable '\(name)': got \(values) values but \(weights) weights; "
                + "pass one weight per value (or no weights for unit weights)."
        case let .nonFiniteValue(name, index, value):
            return "observable '\(name)'\(Self.at(index)): expected a finite value, got \(formatBound(value)); "
                + "remove or fix non-finite entries."
        case let .nonFiniteWeight(name, index, weight):
            return "observable '\(name)' weight at index \(index): expected a finite weight, got \(formatBound(weight)); "
                + "remove or fix non-finite weights."
        case let .nonPositiveTotalWeight(name, total):
            return "observable '\(name)': the weights must sum to a positive number, got \(total); "
                + "negative weights are allowed for some events but not for the sample as a whole."
        case let .valueOutsideInterval(name, index, value, lower, upper):
            return "observable '\(name)'\(Self.at(index)): value \(formatBound(value)) is outside its interval "
                + "\(formatInterval(lower, upper)); remove the event or widen the interval in the model description."
        case let .valueOutsideSupport(name, index, value, lower, upper):
            return "observable '\(name)'\(Self.at(index)): value \(formatBound(value)) is outside the range the projection covers, "
                + "\(formatInterval(lower, upper)) (for an unbounded side this is the reference data range plus a "
                + "\(Int(ObservableProjection.unboundedMarginFraction * 100))% margin); rebuild the projection from data covering "
                + "this value, or declare a finite interval."
        case let .latentOutsideInterval(name, index, value, uMin, uMax):
            return "observable '\(name)'\(Self.at(index)): latent value \(formatBound(value)) is outside the latent interval "
                + "\(formatInterval(uMin, uMax)); pass latent values inside it."
        case let .invalidInterval(name, lower, upper):
            return "observable '\(name)': interval \(formatInterval(lower, upper)) is invalid; "
                + "expected lower < upper (either side may be infinite, neither NaN)."
        case let .invalidProjectionF(name, f):
            return "observable '\(name)': projection constant f = \(formatBound(f)) is invalid; expected a value in [0, 1]."
        case let .invalidKnotCount(name, maxKnots):
            return "observable '\(name)': maxKnots = \(maxKnots) is invalid; expected at least 1."
        case let .invalidTarget(field, value, expected):
            return "latent target \(field) = \(formatBound(value)) is invalid; expected \(expected)."
        case let .invalidTable(name, reason):
            return "observable '\(name)': invalid projection table: \(reason); rebuild the projection from data "
                + "or restore the table from an unmodified model file."
        }
    }

    private static func at(_ index: Int?) -> String {
        index.map { " at index \($0)" } ?? ""
    }
}
