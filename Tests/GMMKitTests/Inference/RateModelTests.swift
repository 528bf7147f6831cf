import Testing
import GMMTestSupport
@testable import GMMKit

@Suite struct RateModelTests {
    /// A dimension-6-like cross-section: SM + interference (linear) + quadratic terms.
    static func sigma(_ t: [Double]) -> Double { 2 + 0.3 * t[0] - 0.2 * t[1] + 0.5 * t[0] * t[0] + 0.1 * t[0] * t[1] + 0.4 * t[1] * t[1] }
    static var grid: [[Double]] { ToyModel.trainingGrid.map { [$0.cx, $0.cy] } }

    @Test("a quadratic is recovered exactly from the totals on the 7 × 7 grid (and by degree 3); degree 1 is not exact")
    func quadraticIsExact() throws {
        var rng = TestRandom(seed: 31)
        for degree in [2, 3] {
            let rate = try RateModel.fit(points: Self.grid, totals: Self.grid.map(Self.sigma), degree: degree, parameterNames: ["cx", "cy"])
            #expect(rate.exponents.count == (degree == 2 ? 6 : 10))
            #expect(rate.maxRelativeResidual < 1e-12)
            for _ in 0..<20 {
                let t = [3 * rng.uniform() - 1.5, 3 * rng.uniform() - 1.5]
                let (value, gradient) = try rate.rateAndGradient(t)
                #expect(abs(value - Self.sigma(t)) < 1e-11)
                #expect(abs(gradient[0] - (0.3 + t[0] + 0.1 * t[1])) < 1e-10)
                #expect(abs(gradient[1] - (-0.2 + 0.1 * t[0] + 0.8 * t[1])) < 1e-10)
            }
        }
        let linear = try RateModel.fit(points: Self.grid, totals: Self.grid.map(Self.sigma), degree: 1, parameterNames: ["cx", "cy"])
        #expect(linear.maxRelativeResidual > 0.1)
    }

    @Test("fit(events:) sums the weights at each θ point")
    func fromEvents() throws {
        let points: [[Double]] = [[-1], [0], [1], [2]]
        var x: [Double] = [], theta: [Double] = [], weights: [Double] = []
        for (k, p) in points.enumerated() {
            for i in 0..<(5 + k) {
                x.append(Double(i))
                theta.append(p[0])
                weights.append(1 + p[0] * p[0] / Double(5 + k))  // total 5 + k + p²
            }
        }
        let events = try Events(x: x, theta: theta, weights: weights, observables: 1, parameters: 1)
        let rate = try RateModel.fit(events: events, degree: 3, parameterNames: ["c"])
        for (k, p) in points.enumerated() { #expect(abs(try rate.rate(p) - (5 + Double(k) + p[0] * p[0])) < 1e-9) }
        // θ drawn per event (every event at its own point): no totals to fit, an error.
        let spread = try Events(x: (0..<20).map(Double.init), theta: (0..<20).map { 0.1 * Double($0) }, observables: 1, parameters: 1)
        #expect(throws: InferenceError.self) { try RateModel.fit(events: spread, degree: 1, parameterNames: ["c"]) }
    }

    @Test("save and load give the same model; JSON has a format version; corrupt or newer files are errors")
    func files() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rate = try RateModel.fit(points: Self.grid, totals: Self.grid.map(Self.sigma), degree: 2, parameterNames: ["cx", "cy"])
        let path = directory.file(RateModel.fileName)
        try rate.save(to: path)
        #expect(try RateModel.load(from: path) == rate)
        let text = String(decoding: try directory.read(RateModel.fileName), as: UTF8.self)
        #expect(text.contains("\"format_version\" : 1") && text.contains("gmm-gpu-rate-model"))
        try directory.write(Array(text.replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 99").utf8), to: "newer.json")
        #expect(throws: ModelFileError.unsupportedVersion(path: directory.file("newer.json"), version: 99, supported: 1)) {
            try RateModel.load(from: directory.file("newer.json"))
        }
        try directory.write(Array("{\"format\": \"x\"".utf8), to: "corrupt.json")
        #expect(throws: ModelFileError.self) { try RateModel.load(from: directory.file("corrupt.json")) }
    }

    @Test("too few or degenerate points, mismatched or non-finite totals are typed errors")
    func badInput() {
        #expect(throws: InferenceError.self) { try RateModel.fit(points: [[0, 0], [1, 1]], totals: [1, 2], degree: 2, parameterNames: ["a", "b"]) }
        #expect(throws: InferenceError.self) { try RateModel.fit(points: Self.grid, totals: [1], degree: 2, parameterNames: ["a", "b"]) }
        #expect(throws: InferenceError.empty(field: "points")) { try RateModel.fit(points: [], totals: [], degree: 1, parameterNames: ["a"]) }
        let line = (0..<10).map { [Double($0), Double($0)] }  // all on cx = cy
        #expect(throws: InferenceError.self) { try RateModel.fit(points: line, totals: line.map(Self.sigma), degree: 2, parameterNames: ["a", "b"]) }
        #expect(throws: InferenceError.self) {
            try RateModel.fit(points: Self.grid, totals: Self.grid.map { _ in Double.nan }, degree: 1, parameterNames: ["a", "b"])
        }
    }
}
