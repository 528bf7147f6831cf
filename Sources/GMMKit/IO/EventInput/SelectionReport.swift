/// How many events passed the selection (every observable inside its config interval, the
/// paper's Table 1) when training data were read: per file, per θ point and in total.
public struct SelectionReport: Sendable, Equatable {
    /// Counts for one group of events (a file or a θ point).
    public struct Group: Sendable, Equatable {
        /// The file (with its dataset), or the θ point as `cx=0.2, cy=-0.5`.
        public var label: String
        /// The θ of a θ point ([p]); nil for a file.
        public var theta: [Double]?
        /// Events read.
        public var read: Int
        /// Events inside every interval.
        public var accepted: Int
        /// Sum of the weights of the events read (the count without weights).
        public var weightRead: Double
        /// Sum of the weights of the accepted events.
        public var weightAccepted: Double

        /// accepted / read (0 for an empty group).
        public var efficiency: Double { read == 0 ? 0 : Double(accepted) / Double(read) }
        /// weightAccepted / weightRead (0 when weightRead is 0).
        public var weightedEfficiency: Double { weightRead == 0 ? 0 : weightAccepted / weightRead }
    }

    /// One group per file, in the order read.
    public var files: [Group]
    /// One group per distinct θ, in order of first appearance; empty when θ takes more than
    /// ``maxPoints`` distinct values (θ drawn per event) — see ``pointsTruncated``.
    public var points: [Group]
    /// Whether θ had more than ``maxPoints`` distinct values, so `points` was not kept.
    public var pointsTruncated: Bool
    /// Per observable (config order), the events rejected because that observable was the first
    /// one outside its interval.
    public var rejectedBy: [(observable: String, count: Int)]

    /// The most θ points reported individually.
    public static let maxPoints = 10_000

    /// Events read in all files.
    public var read: Int { files.reduce(0) { $0 + $1.read } }
    /// Events accepted in all files.
    public var accepted: Int { files.reduce(0) { $0 + $1.accepted } }
    /// accepted / read over all files.
    public var efficiency: Double { read == 0 ? 0 : Double(accepted) / Double(read) }

    public static func == (a: SelectionReport, b: SelectionReport) -> Bool {
        a.files == b.files && a.points == b.points && a.pointsTruncated == b.pointsTruncated
            && a.rejectedBy.map(\.observable) == b.rejectedBy.map(\.observable) && a.rejectedBy.map(\.count) == b.rejectedBy.map(\.count)
    }
}
