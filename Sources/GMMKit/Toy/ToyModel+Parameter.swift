extension ToyModel {
    /// One point c = (cx, cy) in the toy model's parameter plane.
    public struct Parameter: Sendable, Hashable, CustomStringConvertible {
        /// The first external parameter.
        public var cx: Double
        /// The second external parameter.
        public var cy: Double

        /// Creates the parameter point (cx, cy).
        public init(cx: Double, cy: Double) {
            self.cx = cx
            self.cy = cy
        }

        /// "(cx, cy)".
        public var description: String { "(\(cx), \(cy))" }
    }
}
