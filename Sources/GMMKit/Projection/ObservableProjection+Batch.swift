extension ObservableProjection {
    /// ``toLatent(_:)`` of every element: `[N]` → `[N]` (unchecked, clamping).
    public func toLatent(_ xs: [Double]) -> [Double] {
        xs.map { toLatent($0) }
    }

    /// ``fromLatent(_:)`` of every element: `[N]` → `[N]` (unchecked, clamping).
    public func fromLatent(_ us: [Double]) -> [Double] {
        us.map { fromLatent($0) }
    }

    /// ``logAbsJacobian(_:)`` of every element: `[N]` → `[N]` (unchecked, clamping).
    public func logAbsJacobian(_ xs: [Double]) -> [Double] {
        xs.map { logAbsJacobian($0) }
    }

    /// ``checkedToLatent(_:index:)`` of every element: `[N]` → `[N]`; the error names the first bad index.
    public func checkedToLatent(_ xs: [Double]) throws(ProjectionError) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(xs.count)
        for (i, x) in xs.enumerated() { out.append(try checkedToLatent(x, index: i)) }
        return out
    }

    /// ``checkedFromLatent(_:index:)`` of every element: `[N]` → `[N]`; the error names the first bad index.
    public func checkedFromLatent(_ us: [Double]) throws(ProjectionError) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(us.count)
        for (i, u) in us.enumerated() { out.append(try checkedFromLatent(u, index: i)) }
        return out
    }

    /// ``checkedLogAbsJacobian(_:index:)`` of every element: `[N]` → `[N]`; the error names the first bad index.
    public func checkedLogAbsJacobian(_ xs: [Double]) throws(ProjectionError) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(xs.count)
        for (i, x) in xs.enumerated() { out.append(try checkedLogAbsJacobian(x, index: i)) }
        return out
    }
}
