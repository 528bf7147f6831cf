/// An error in the data or arguments given to a ``DensityModel``: each description names the
/// field, what was expected and what was got.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// An array's size does not match the shape the call needs.
    case shapeMismatch(field: String, expected: String, got: String)
    /// A value is NaN or infinite.
    case nonFinite(field: String, row: Int, column: Int, value: Double)
    /// A value lies outside its observable's interval.
    case outsideInterval(observable: String, row: Int, value: Double, lower: Double, upper: Double)
    /// An integer observable holds a non-integer value.
    case notInteger(observable: String, row: Int, value: Double)
    /// No event has the reference θ at which the projection is built.
    case noReferenceEvents(reference: [Double], distinct: [[Double]])
    /// The events' total weight is not positive.
    case nonPositiveWeight(field: String, total: Double)
    /// There are no events.
    case empty(field: String)
    /// The model has not been fitted (it has no projection yet).
    case notFitted
    /// An argument is out of range.
    case invalidArgument(name: String, expected: String, got: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(field, expected, got):
            return "\(field): expected \(expected), got \(got)."
        case let .nonFinite(field, row, column, value):
            return "\(field): row \(row), column \(column) is \(value); every value must be finite — remove or fix that event."
        case let .outsideInterval(observable, row, value, lower, upper):
            return "observable '\(observable)': row \(row) is \(value), outside its interval [\(lower), \(upper)]; "
                + "select events inside the interval or widen it in the config."
        case let .notInteger(observable, row, value):
            return "integer observable '\(observable)': row \(row) is \(value), not an integer."
        case let .noReferenceEvents(reference, distinct):
            let shown = distinct.prefix(10).map { "(\($0.map { "\($0)" }.joined(separator: ", ")))" }.joined(separator: ", ")
            return "parameters.reference: no event has θ = (\(reference.map { "\($0)" }.joined(separator: ", "))), where the "
                + "projection is built; the events' θ points are \(shown)\(distinct.count > 10 ? ", …" : ""). "
                + "Set parameters.reference to one of them, or build the projection from other events: parameters.projection_from: nearest "
                + "(the events nearest the reference, for θ drawn per event) or all."
        case let .nonPositiveWeight(field, total):
            return "\(field): the total weight is \(total); it must be positive."
        case let .empty(field):
            return "\(field): no events."
        case .notFitted:
            return "the model has no latent projection yet: fit it (or prepare it) on events first."
        case let .invalidArgument(name, expected, got):
            return "\(name): expected \(expected), got \(got)."
        }
    }
}
