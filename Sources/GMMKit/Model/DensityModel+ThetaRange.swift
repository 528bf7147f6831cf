extension DensityModel {
    /// The range of each parameter over the training events, [p]: the values the parameter
    /// scaling maps onto [−2, 2] (a parameter trained at one value v gives [v − 2, v + 2]).
    /// Outside it the networks extrapolate.
    public var trainingThetaRanges: [ClosedRange<Double>] {
        parameterScaling.map { scaling in ((-2 - scaling.shift) / scaling.scale)...((2 - scaling.shift) / scaling.scale) }
    }

    /// One warning per parameter for which some of `theta` (row-major, [N, p] or [p]) lies
    /// outside ``trainingThetaRanges``, naming the farthest value: the model extrapolates there.
    public func extrapolationWarnings(theta: [Double]) -> [String] {
        let p = parameterCount, ranges = trainingThetaRanges
        guard p > 0, ranges.count == p else { return [] }
        return (0..<p).compactMap { j in
            let range = ranges[j]
            // The range's ends come back through the scaling with rounding: a training value is inside.
            var farthest: Double?, distance = 1e-9 * max(1, range.upperBound - range.lowerBound)
            for i in stride(from: j, to: theta.count, by: p) {
                let v = theta[i]
                let d = v < range.lowerBound ? range.lowerBound - v : (v > range.upperBound ? v - range.upperBound : 0)
                if d > distance { distance = d; farthest = v }
            }
            return farthest.map {
                "θ \(config.parameters.names[j]) = \(formatBound($0)) is outside the training range [\(formatBound(range.lowerBound)), "
                    + "\(formatBound(range.upperBound))]: the model extrapolates there, untested by its training events"
            }
        }
    }
}
