/// Wall-clock time since a start, on the standard library's monotonic `ContinuousClock`: the
/// one timer of progress lines, time limits and benchmarks.
///
/// ```swift
/// let start = Stopwatch()
/// // … work …
/// print("\(start.seconds) s")
/// ```
public struct Stopwatch: Sendable {
    /// When it started.
    public let start: ContinuousClock.Instant

    /// A stopwatch started now.
    public init() { start = .now }

    /// Seconds since the start.
    public var seconds: Double { (ContinuousClock.now - start) / .seconds(1) }
}
