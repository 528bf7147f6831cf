/// Small dense symmetric-matrix algebra in double precision (the fits' Hessians and the rate
/// model's normal equations; sizes of a few to a few tens).
enum SymmetricMatrix {
    /// The lower Cholesky factor L of a positive-definite A = L Lᵀ, [n][n], or nil when A is
    /// not (numerically) positive definite.
    static func cholesky(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            var diagonal = a[j][j]
            for k in 0..<j { diagonal -= l[j][k] * l[j][k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let root = diagonal.squareRoot()
            l[j][j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                l[i][j] = s / root
            }
        }
        return l
    }

    /// Solves A x = b for positive-definite A, or nil when A is not positive definite.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        guard let l = cholesky(a) else { return nil }
        let n = b.count
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i][k] * y[k] }
            y[i] /= l[i][i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<max(i + 1, n) { y[i] -= l[k][i] * y[k] }
            y[i] /= l[i][i]
        }
        return y
    }

    /// A⁻¹ of a positive-definite A, or nil when A is not positive definite.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            guard let x = solve(a, e) else { return nil }
            columns.append(x)
        }
        // Symmetrise the rounding.
        return (0..<n).map { i in (0..<n).map { j in 0.5 * (columns[j][i] + columns[i][j]) } }
    }

    /// A x.
    static func multiply(_ a: [[Double]], _ x: [Double]) -> [Double] {
        a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}
