import Testing
import GMMTestSupport
@testable import GMMKit

@Suite struct ToySamplerTests {
    let model = ToyModel()

    /// The probability-integral transform of each conditional, evaluated at the sampled
    /// conditioning values (the Rosenblatt transform), is Uniform(0, 1) by a KS test at 1%.
    @Test(arguments: [
        ToyModel.Parameter(cx: 0, cy: 0), ToyModel.Parameter(cx: 1.5, cy: -1.5),
        ToyModel.Parameter(cx: -0.8, cy: 0.8), ToyModel.Parameter(cx: 0.5, cy: 1),
    ])
    func probabilityIntegralTransformIsUniform(c: ToyModel.Parameter) throws {
        let n = 20_000
        var rng = SeededGenerator(seed: 2022)
        let events = try model.sample(n: n, cx: c.cx, cy: c.cy, rng: &rng)
        var pit = [[Double]](repeating: [], count: 4)
        for i in 0..<n {
            let x0 = events[4 * i], x1 = events[4 * i + 1], x2 = events[4 * i + 2], x3 = events[4 * i + 3]
            pit[0].append(model.cdf0(x0: x0, cx: c.cx))
            pit[1].append(model.cdf1(x1: x1, x0: x0))
            pit[2].append(model.cdf2(x2: x2, cx: c.cx, cy: c.cy))
            pit[3].append(model.cdf3(x3: x3, x1: x1, x2: x2, cx: c.cx, cy: c.cy))
        }
        let critical = kolmogorovSmirnovCritical1Percent(n: n)
        for (j, values) in pit.enumerated() {
            let d = kolmogorovSmirnovUniform(values)
            #expect(d < critical, "x\(j) at \(c): KS statistic \(d) >= \(critical)")
        }
    }

    /// The KS check has power: samples at one parameter point fail against another's CDFs.
    @Test func probabilityIntegralTransformDetectsTheWrongParameter() throws {
        let n = 20_000
        var rng = SeededGenerator(seed: 2022)
        let events = try model.sample(n: n, cx: 0.5, cy: -0.5, rng: &rng)
        let wrong0 = (0..<n).map { model.cdf0(x0: events[4 * $0], cx: 0.3) }
        let wrong2 = (0..<n).map { model.cdf2(x2: events[4 * $0 + 2], cx: 0.5, cy: -0.3) }
        let wrong3 = (0..<n).map {
            model.cdf3(x3: events[4 * $0 + 3], x1: events[4 * $0 + 1], x2: events[4 * $0 + 2], cx: 0.5, cy: -0.3)
        }
        let critical = kolmogorovSmirnovCritical1Percent(n: n)
        #expect(kolmogorovSmirnovUniform(wrong0) > critical)
        #expect(kolmogorovSmirnovUniform(wrong2) > critical)
        #expect(kolmogorovSmirnovUniform(wrong3) > critical)
    }

    @Test func samplesLieInsideTheIntervals() throws {
        var rng = SeededGenerator(seed: 99)
        for c in ToyModel.trainingGrid where abs(c.cx) == 1.5 || abs(c.cy) == 1.5 || c.cx == 0 {
            let events = try model.sample(n: 500, cx: c.cx, cy: c.cy, rng: &rng)
            #expect(events.count == 2000)
            for (i, value) in events.enumerated() {
                let observable = ToyModel.observables[i % 4]
                #expect(observable.contains(value) && value.isFinite, "\(observable.name) = \(value) at \(c)")
            }
        }
    }

    @Test func sameSeedGivesTheSameSamples() throws {
        var a = SeededGenerator(seed: 5)
        var b = SeededGenerator(seed: 5)
        var other = SeededGenerator(seed: 6)
        let first = try model.sample(n: 100, cx: 0.5, cy: -1, rng: &a)
        let second = try model.sample(n: 100, cx: 0.5, cy: -1, rng: &b)
        let third = try model.sample(n: 100, cx: 0.5, cy: -1, rng: &other)
        #expect(first == second)
        #expect(first != third)
        #expect(try model.sample(n: 0, cx: 0, cy: 0, rng: &a).isEmpty)
    }
}

@Suite struct ToyGridTests {
    @Test func gridsHaveThePaperPoints() {
        #expect(ToyModel.trainingGrid.count == 49)
        #expect(ToyModel.extendedTrainingGrid.count == 81)
        #expect(ToyModel.inferenceTestPoints.count == 9)
        #expect(ToyModel.trainingGrid.first == ToyModel.Parameter(cx: -1.5, cy: -1.5))
        #expect(ToyModel.trainingGrid[1] == ToyModel.Parameter(cx: -1.5, cy: -1))
        #expect(Set(ToyModel.trainingGrid).isSubset(of: Set(ToyModel.extendedTrainingGrid)))
        #expect(ToyModel.extendedTrainingGrid.contains(.init(cx: 0.2, cy: -0.2)))
        #expect(ToyModel.extendedTrainingGrid.allSatisfy { ToyModel.isInDomain(cx: $0.cx, cy: $0.cy) })
    }

    @Test func datasetRowsMatchTheirParameters() throws {
        let model = ToyModel()
        let grid = Array(ToyModel.trainingGrid.prefix(3))
        let data = try model.makeDataset(eventsPerPoint: 10, grid: grid, seed: 42)
        #expect(data.count == 30)
        #expect(data.x.count == 120)
        #expect(data.theta.count == 60)
        for i in 0..<30 {
            let point = grid[i / 10]
            #expect(data.theta[2 * i] == point.cx && data.theta[2 * i + 1] == point.cy)
        }
        // Point j's events come from stream j of the seed.
        var rng = SeededGenerator(seed: 42, stream: 1)
        let expected = try model.sample(n: 10, cx: grid[1].cx, cy: grid[1].cy, rng: &rng)
        #expect(Array(data.x[40..<80]) == expected)
        #expect(try model.makeDataset(eventsPerPoint: 10, grid: grid, seed: 42) == data)
        #expect(throws: ToyModelError.self) {
            try model.makeDataset(eventsPerPoint: -1, grid: grid, seed: 42)
        }
    }
}
