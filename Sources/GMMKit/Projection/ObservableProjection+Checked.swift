extension ObservableProjection {
    /// ``toLatent(_:)-(Double)`` after checking that x is finite, inside the declared interval and where the density
    /// is positive (inside the knot table, or in a tail). `index` (if given) is reported in the error.
    ///
    /// - Throws: ``ProjectionError/nonFiniteValue(observable:index:value:)``,
    ///   ``ProjectionError/valueOutsideInterval(observable:index:value:lower:upper:)`` or
    ///   ``ProjectionError/valueOutsideSupport(observable:index:value:supportLower:supportUpper:)``.
    public func checkedToLatent(_ x: Double, index: Int? = nil) throws(ProjectionError) -> Double {
        try check(x, index: index)
        return toLatent(x)
    }

    /// ``logAbsJacobian(_:)-(Double)`` after the checks of ``checkedToLatent(_:index:)``.
    public func checkedLogAbsJacobian(_ x: Double, index: Int? = nil) throws(ProjectionError) -> Double {
        try check(x, index: index)
        return logAbsJacobian(x)
    }

    /// ``fromLatent(_:)-(Double)`` after checking that u is finite and inside the latent interval.
    ///
    /// - Throws: ``ProjectionError/nonFiniteValue(observable:index:value:)`` or
    ///   ``ProjectionError/latentOutsideInterval(observable:index:value:uMin:uMax:)``.
    public func checkedFromLatent(_ u: Double, index: Int? = nil) throws(ProjectionError) -> Double {
        guard u.isFinite else { throw .nonFiniteValue(observable: name, index: index, value: u) }
        let t = table.target
        guard u >= t.lowerBound, u <= t.upperBound else {
            throw .latentOutsideInterval(observable: name, index: index, value: u, uMin: t.lowerBound, uMax: t.upperBound)
        }
        return fromLatent(u)
    }

    /// Throws unless x is finite, in the declared interval and where the density is positive.
    private func check(_ x: Double, index: Int?) throws(ProjectionError) {
        guard x.isFinite else { throw .nonFiniteValue(observable: name, index: index, value: x) }
        guard x >= lowerBound, x <= upperBound else {
            throw .valueOutsideInterval(observable: name, index: index, value: x, lower: lowerBound, upper: upperBound)
        }
        guard x >= densityLowerBound, x <= densityUpperBound else {
            throw .valueOutsideSupport(
                observable: name, index: index, value: x,
                supportLower: supportLowerBound, supportUpper: supportUpperBound)
        }
    }
}
