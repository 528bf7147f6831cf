#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

/// An ensemble of K density models of one description, trained with different seeds and
/// optionally on bootstrap resamples of the events (each θ point's events drawn with
/// replacement): the spread of its members measures the model's own uncertainty — what a
/// finite training sample and the training's randomness leave undetermined.
///
/// The ensemble's density is the mean of its members' densities, p(x|θ) = (1/K) Σ_k p_k(x|θ),
/// normalised because each member is; it is sampled by picking a member for every event.
/// A one-member ensemble is the plain model, and a plain model directory loads as one.
public struct DensityEnsemble: Sendable {
    /// The members, [K] (K ≥ 1), all of one description but for their seeds.
    public let members: [DensityModel]
    /// Whether the members were trained on bootstrap resamples of the events.
    public let bootstrap: Bool

    /// An ensemble of `members`.
    ///
    /// - Throws: ``ModelError`` for no member, an unprepared member, or members whose
    ///   observables or parameters differ.
    public init(members: [DensityModel], bootstrap: Bool) throws {
        guard let first = members.first else { throw ModelError.invalidArgument(name: "members", expected: "at least one model", got: "none") }
        for (k, member) in members.enumerated() {
            guard member.isPrepared else { throw ModelError.notFitted }
            guard member.config.observables == first.config.observables, member.config.parameters.names == first.config.parameters.names else {
                throw ModelError.invalidArgument(name: "members[\(k)]", expected: "the observables and parameters of member 0",
                                                 got: "a model of another description")
            }
        }
        self.members = members
        self.bootstrap = bootstrap
    }

    /// K.
    public var count: Int { members.count }
    /// The description of member 0 (the others differ at most in their seeds).
    public var config: ModelConfig { members[0].config }

    /// The seed of member k: the description's seed plus k (member 0 is the plain model).
    public static func memberSeed(_ config: ModelConfig, member k: Int) -> UInt64 { config.training.seed &+ UInt64(k) }

    /// Trains `count` members on `events`: member k with seed ``memberSeed(_:member:)``, on the
    /// events themselves or (bootstrap, members k ≥ 1) on a resample of each θ point's events
    /// with replacement, seeded by member k's seed. Member 0 always trains on the events as
    /// they are, so an ensemble of one is the plain model.
    ///
    /// - Parameters:
    ///   - events: the training events.
    ///   - config: the model description every member shares (member k's seed replaced).
    ///   - count: the number of members (≥ 1).
    ///   - bootstrap: whether members 1 … count−1 train on resamples (``resample(_:seed:)``).
    ///   - device: where to compute.
    ///   - options: checkpointing per member goes to `checkpointDirectory/members/k` (resumable).
    ///   - progress: (member, epoch) after every epoch.
    public static func fit(_ events: Events, config: ModelConfig, count: Int, bootstrap: Bool, device: Device,
                           options: TrainingOptions = TrainingOptions(),
                           progress: ((Int, TrainingProgress) -> Void)? = nil) throws -> DensityEnsemble {
        guard count >= 1 else { throw ModelError.invalidArgument(name: "ensemble", expected: "at least 1 member", got: "\(count)") }
        var members: [DensityModel] = []
        for k in 0..<count {
            var memberConfig = config
            memberConfig.training.seed = memberSeed(config, member: k)
            let data = bootstrap && k > 0 ? resample(events, seed: memberConfig.training.seed) : events
            var memberOptions = options
            if count > 1, let directory = options.checkpointDirectory { memberOptions.checkpointDirectory = "\(directory)/members/\(k)" }
            let member = try DensityModel(config: memberConfig).fit(data, device: device, options: memberOptions) { progress?(k, $0) }
            members.append(member)
        }
        return try DensityEnsemble(members: members, bootstrap: bootstrap)
    }

    /// A bootstrap resample of `events`: at each θ point as many events as it has, drawn
    /// with replacement (stream 31 of `seed`), in the original point order.
    public static func resample(_ events: Events, seed: UInt64) -> Events {
        let (_, pointOf) = events.thetaPoints()
        var byPoint: [Int: [Int]] = [:]
        for (i, k) in pointOf.enumerated() { byPoint[k, default: []].append(i) }
        var rng = SeededGenerator(seed: seed, stream: 31)
        var indices: [Int] = []
        indices.reserveCapacity(events.count)
        for k in byPoint.keys.sorted() {
            let rows = byPoint[k] ?? []
            for _ in rows { indices.append(rows[Int(rng.next() % UInt64(rows.count))]) }
        }
        return events.subset(indices)
    }

    /// Each member's log p_k(x|θ) per event, [K][N] (`x` [N, d], `theta` [p] or [N, p]).
    public func memberLogProbs(_ x: [Double], theta: [Double], device: Device) throws -> [[Double]] {
        try members.map { try $0.logProb(x, theta: theta, device: device) }
    }

    /// log p(x|θ) of the ensemble per event, [N]: log((1/K) Σ_k p_k(x|θ)).
    public func logProb(_ x: [Double], theta: [Double], device: Device, progress: ((Int) -> Void)? = nil) throws -> [Double] {
        if count == 1 { return try members[0].logProb(x, theta: theta, device: device, progress: progress) }
        return Self.logMeanExp(try memberLogProbs(x, theta: theta, device: device))
    }

    /// log((1/K) Σ_k exp(values[k][i])) per column i of [K][N] values (−∞ where every member is −∞).
    public static func logMeanExp(_ values: [[Double]]) -> [Double] {
        guard let first = values.first else { return [] }
        let k = Double(values.count)
        return first.indices.map { i in
            let top = values.reduce(-Double.infinity) { max($0, $1[i]) }
            guard top.isFinite else { return top }
            return top + log(values.reduce(0) { $0 + exp($1[i] - top) } / k)
        }
    }

    /// Per event, the standard deviation over the members of log p_k(x|θ), [N]: where the
    /// members disagree (0 for one member).
    public static func memberSpread(_ values: [[Double]]) -> [Double] {
        guard let first = values.first, values.count > 1 else { return values.first.map { $0.map { _ in 0 } } ?? [] }
        let k = Double(values.count)
        return first.indices.map { i in
            let mean = values.reduce(0) { $0 + $1[i] } / k
            return (values.reduce(0) { $0 + ($1[i] - mean) * ($1[i] - mean) } / (k - 1)).squareRoot()
        }
    }

    /// Draws `count` events from the ensemble density at θ, [count, d]: each event's member is
    /// picked uniformly at random (stream 41 of `seed`), member k draws its events with the seed
    /// `seed + k`, and the events come out in the order of the picks.
    public func sample(count n: Int, theta: [Double], seed: UInt64, device: Device, progress: ((Int) -> Void)? = nil) throws -> [Double] {
        if count == 1 { return try members[0].sample(count: n, theta: theta, seed: seed, device: device, progress: progress) }
        guard n >= 0 else { throw ModelError.invalidArgument(name: "count", expected: "a non-negative number of events", got: "\(n)") }
        var rng = SeededGenerator(seed: seed, stream: 41)
        let picks = (0..<n).map { _ in Int(rng.next() % UInt64(count)) }
        var perMember = [Int](repeating: 0, count: count)
        for k in picks { perMember[k] += 1 }
        let d = members[0].observableCount
        var drawn: [[Double]] = []
        var done = 0
        for (k, member) in members.enumerated() {
            drawn.append(try member.sample(count: perMember[k], theta: theta, seed: seed &+ UInt64(k), device: device))
            done += perMember[k]
            progress?(done)
        }
        var next = [Int](repeating: 0, count: count)
        var out: [Double] = []
        out.reserveCapacity(n * d)
        for k in picks {
            out.append(contentsOf: drawn[k][(next[k] * d)..<((next[k] + 1) * d)])
            next[k] += 1
        }
        return out
    }
}
