import GMMCompute

/// Pseudo-datasets for toy-based calibration: `count` independent data sets of `events`
/// events each at one θ, reproducible from a seed (data set k from its own stream).
public enum PseudoDatasets {
    /// Data sets from the Appendix-A toy's exact sampler at (cx, cy), drawn in parallel; data set
    /// k uses `SeededGenerator(seed: seed, stream: k)`. Each is `[events, 4]`.
    ///
    /// - Throws: ``ToyModelError`` for a θ outside the toy's domain or a negative count.
    public static func toy(cx: Double, cy: Double, events: Int, count: Int, seed: UInt64) throws -> [[Double]] {
        guard count >= 0 else { throw ToyModelError.negativeCount(field: "count", got: count) }
        guard events >= 0 else { throw ToyModelError.negativeCount(field: "events", got: events) }
        // The sampler's only other failure; checked here, so the parallel draws cannot fail.
        guard ToyModel.isInDomain(cx: cx, cy: cy) else { throw ToyModelError.parameterOutsideDomain(cx: cx, cy: cy) }
        let toy = ToyModel()
        var sets = [[Double]](repeating: [], count: count)
        sets.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelFor(count, minimumPerChunk: 8) { range in
                for k in range {
                    var rng = SeededGenerator(seed: seed, stream: UInt64(k))
                    base[k] = (try? toy.sample(n: events, cx: cx, cy: cy, rng: &rng)) ?? []
                }
            }
        }
        return sets
    }

    /// Data sets drawn from a trained model at θ (`[p]`): one call to
    /// ``DensityModel/sample(count:theta:seed:device:progress:)`` for all of them, split into
    /// `count` sets of `[events, d]`.
    public static func model(_ model: DensityModel, theta: [Double], events: Int, count: Int, seed: UInt64, device: Device) throws -> [[Double]] {
        guard events >= 1, count >= 0 else {
            throw ModelError.invalidArgument(name: "events/count", expected: "events ≥ 1 and count ≥ 0", got: "\(events)/\(count)")
        }
        let d = model.observableCount
        let all = try model.sample(count: events * count, theta: theta, seed: seed, device: device)
        return (0..<count).map { k in Array(all[(k * events * d)..<((k + 1) * events * d)]) }
    }
}
