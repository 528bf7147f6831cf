/// The rows of a pass cut into consecutive blocks, each with one θ: the work that depends on θ
/// alone (the θ branch, the θ half of the first trunk layers, the networks that see no
/// observable) runs once per block instead of once per row.
struct ThetaBlocks: Equatable {
    /// Block boundaries: block k is rows `bounds[k] ..< bounds[k + 1]`; `bounds[0]` is 0 and the
    /// last entry is the pass's row count. Every block holds at least one row.
    let bounds: [Int]
    /// Whether every block holds the same events in the same order (one data set at several
    /// θ, as in a likelihood scan): the work that depends on the events alone (the u branch
    /// and the u half of the first trunk layers) then runs on the first block only and is
    /// copied to the others. Forward passes only.
    let repeatedEvents: Bool

    /// Blocks of `bounds` (strictly increasing from 0).
    init(bounds: [Int]) {
        precondition(bounds.first == 0 && bounds.count >= 2 && zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 },
                     "ThetaBlocks: bounds must rise strictly from 0")
        self.bounds = bounds
        repeatedEvents = false
    }

    /// `rows` rows in blocks of `blockRows` rows (the last block may be shorter), each with
    /// the same events in the same order when `repeatedEvents` (then `rows` must be a multiple).
    init(rows: Int, blockRows: Int, repeatedEvents: Bool = false) {
        let step = max(1, blockRows)
        precondition(!repeatedEvents || rows % step == 0, "ThetaBlocks: repeated events need whole blocks")
        bounds = Array(stride(from: 0, to: rows, by: step)) + [rows]
        self.repeatedEvents = repeatedEvents && bounds.count > 2
    }

    /// The runs of equal consecutive rows of the first `rows` (≥ 1) rows of a row-major
    /// [rows, width] θ array (one block for all when `width` is 0).
    init<T: Equatable>(runsOf theta: [T], width: Int, rows: Int) {
        precondition(rows >= 1 && theta.count >= rows * width, "ThetaBlocks: \(rows) rows of width \(width) in \(theta.count) values")
        var bounds = [0]
        for r in 1..<rows where theta[(r * width)..<((r + 1) * width)] != theta[((r - 1) * width)..<(r * width)] {
            bounds.append(r)
        }
        bounds.append(rows)
        self.init(bounds: bounds)
    }

    /// The blocks of rows grouped by θ point (`points`: each row's point index, equal indices
    /// adjacent), or nil where they hold fewer than `minimumMeanRows` rows on average (the
    /// per-block work would cost more than it saves).
    static func grouped(points: ArraySlice<Int>, minimumMeanRows: Int) -> ThetaBlocks? {
        guard !points.isEmpty else { return nil }
        let blocks = ThetaBlocks(runsOf: Array(points), width: 1, rows: points.count)
        return areLongEnough(blocks: blocks.count, rows: points.count, minimumMeanRows: minimumMeanRows) ? blocks : nil
    }

    /// Whether `blocks` blocks over `rows` rows hold at least `minimumMeanRows` rows on average.
    static func areLongEnough(blocks: Int, rows: Int, minimumMeanRows: Int) -> Bool {
        blocks * max(1, minimumMeanRows) <= rows
    }

    /// One block of one row.
    static let single = ThetaBlocks(bounds: [0, 1])

    /// Number of blocks.
    var count: Int { bounds.count - 1 }
    /// Rows in all blocks.
    var rows: Int { bounds[bounds.count - 1] }
    /// The rows of block `k`.
    func rows(_ k: Int) -> Range<Int> { bounds[k]..<bounds[k + 1] }
    /// The common length L of the blocks when block k starts at row k·L for every k (the last
    /// block may be shorter); nil otherwise.
    var uniformRows: Int? {
        let first = bounds[1]
        for k in 1..<count where bounds[k] != k * first { return nil }
        return first
    }
}
