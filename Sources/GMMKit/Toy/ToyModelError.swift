/// Why the toy model refused a request.
public enum ToyModelError: Error, Equatable, CustomStringConvertible {
    /// The parameter point is not in the domain where p(x | c) is a density.
    case parameterOutsideDomain(cx: Double, cy: Double)
    /// A count (of events) was negative.
    case negativeCount(field: String, got: Int)

    /// A sentence naming the field, what was expected and what was got.
    public var description: String {
        switch self {
        case let .parameterOutsideDomain(cx, cy):
            return "toy model parameter (cx, cy): expected finite values with (2 cx / 5)^2 + (cy / 2)^2 <= 1, got (\(cx), \(cy))"
        case let .negativeCount(field, got):
            return "toy model \(field): expected a count >= 0, got \(got)"
        }
    }
}
