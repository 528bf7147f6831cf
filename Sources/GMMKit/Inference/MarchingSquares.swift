/// Contour lines of a function sampled on a rectangular grid, by marching squares: each grid
/// cell's crossings of the level are found by linear interpolation along its edges, saddle
/// cells resolved by the mean of the four corners, and the segments joined into polylines.
enum MarchingSquares {
    /// The polylines where `values` [ny][nx] (on the axes `x` [nx], `y` [ny]) crosses `level`,
    /// each a list of [x, y] points; a closed line repeats its first point at the end. A
    /// non-finite value counts as above the level.
    static func contours(x: [Double], y: [Double], values: [[Double]], level: Double) -> [[[Double]]] {
        let nx = x.count, ny = y.count
        guard nx >= 2, ny >= 2 else { return [] }
        func inside(_ i: Int, _ j: Int) -> Bool { values[j][i].isFinite && values[j][i] <= level }
        // Edge keys: kind 0 = horizontal edge from (i, j) to (i+1, j); kind 1 = vertical from (i, j) to (i, j+1).
        func key(_ kind: Int, _ i: Int, _ j: Int) -> Int { (kind * ny + j) * nx + i }
        var points: [Int: [Double]] = [:]
        func point(_ kind: Int, _ i: Int, _ j: Int) -> Int {
            let k = key(kind, i, j)
            if points[k] == nil {
                let (i1, j1) = kind == 0 ? (i + 1, j) : (i, j + 1)
                let v0 = values[j][i], v1 = values[j1][i1]
                var t = 0.5
                if v0.isFinite, v1.isFinite, v1 != v0 { t = min(1, max(0, (level - v0) / (v1 - v0))) }
                else if v0.isFinite, !v1.isFinite { t = 0.5 } else if !v0.isFinite, v1.isFinite { t = 0.5 }
                points[k] = [x[i] + t * (x[i1] - x[i]), y[j] + t * (y[j1] - y[j])]
            }
            return k
        }
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let a = inside(i, j), b = inside(i + 1, j), c = inside(i + 1, j + 1), d = inside(i, j + 1)
                var crossings: [Int] = []
                if a != b { crossings.append(point(0, i, j)) }          // bottom
                if b != c { crossings.append(point(1, i + 1, j)) }      // right
                if c != d { crossings.append(point(0, i, j + 1)) }      // top
                if d != a { crossings.append(point(1, i, j)) }          // left
                if crossings.count == 2 {
                    segments.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    let corners = [values[j][i], values[j][i + 1], values[j + 1][i + 1], values[j + 1][i]].filter(\.isFinite)
                    let center = corners.isEmpty ? Double.infinity : corners.reduce(0, +) / Double(corners.count)
                    if (center <= level) == a {
                        // a and c joined through the centre: cut off b and d.
                        segments.append((crossings[0], crossings[1]))
                        segments.append((crossings[2], crossings[3]))
                    } else {
                        segments.append((crossings[3], crossings[0]))
                        segments.append((crossings[1], crossings[2]))
                    }
                }
            }
        }
        // Join segments sharing an edge point.
        var byPoint: [Int: [Int]] = [:]
        for (s, (p, q)) in segments.enumerated() {
            byPoint[p, default: []].append(s)
            byPoint[q, default: []].append(s)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var lines: [[[Double]]] = []
        func walk(from start: Int, segment first: Int) -> [Int] {
            var chain = [start]
            var current = start
            var s = first
            while !used[s] {
                used[s] = true
                let (p, q) = segments[s]
                let next = p == current ? q : p
                chain.append(next)
                current = next
                guard let candidates = byPoint[next], let following = candidates.first(where: { !used[$0] }) else { break }
                s = following
            }
            return chain
        }
        // Open lines start at points with a single segment (the grid's border), then loops.
        let ends = byPoint.filter { $0.value.count == 1 }.keys.sorted()
        for start in ends {
            guard let s = byPoint[start]?.first, !used[s] else { continue }
            lines.append(walk(from: start, segment: s).compactMap { points[$0] })
        }
        for s in segments.indices where !used[s] {
            lines.append(walk(from: segments[s].0, segment: s).compactMap { points[$0] })
        }
        return lines
    }
}
