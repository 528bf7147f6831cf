import Testing
@testable import GMMKit

@Suite struct ModelLikelihoodTests {
    let cpu = try! Devices.open("cpu")

    @Test("latent and data-space NLL equal −Σ w log p of the model and differ by the θ-independent −Σ w log|J|")
    func matchesModelDensities() throws {
        let model = try InferenceFixtures.toyModel(epochs: 0, device: cpu)
        let x = try InferenceFixtures.toyEvents(count: 150, cx: 0.3, cy: -0.2, seed: 7)
        var rng = TestRandom(seed: 8)
        let weights = (0..<150).map { _ in 0.5 + rng.uniform() }
        let thetas: [[Double]] = [[0, 0], [0.5, -0.7], [-1.2, 0.9], [1.4, 1.4]]
        for w in [nil, weights] {
            let latent = try ModelLikelihood(model: model, data: x, weights: w, device: cpu, space: .latent)
            let data = try ModelLikelihood(model: model, data: x, weights: w, device: cpu, space: .data)
            let latentValues = try latent.values(thetas)
            let dataValues = try data.values(thetas)
            let jacobian = try model.logAbsJacobian(x)
            let constant = -jacobian.indices.reduce(0) { $0 + (w?[$1] ?? 1) * jacobian[$1] }
            #expect(abs(data.jacobianTerm - constant) < 1e-9 * abs(constant))
            for (k, theta) in thetas.enumerated() {
                let u = try model.toLatent(x)
                let expectedLatent = -zip(try model.logProbLatent(u, theta: theta, device: cpu).indices, try model.logProbLatent(u, theta: theta, device: cpu))
                    .reduce(0) { $0 + (w?[$1.0] ?? 1) * $1.1 }
                let dataLogs = try model.logProb(x, theta: theta, device: cpu)
                let expectedData = -dataLogs.indices.reduce(0) { $0 + (w?[$1] ?? 1) * dataLogs[$1] }
                #expect(abs(latentValues[k] - expectedLatent) < 1e-5 * abs(expectedLatent) + 1e-3)
                #expect(abs(dataValues[k] - expectedData) < 1e-5 * abs(expectedData) + 1e-3)
                // The offset does not depend on θ.
                #expect(abs((dataValues[k] - latentValues[k]) - constant) < 1e-6 * abs(constant) + 1e-6)
            }
            // Different θ give different values (the test is not vacuous).
            #expect(Set(latentValues.map { ($0 * 1000).rounded() }).count == thetas.count)
        }
    }

    @Test("a batch of θ spanning several device chunks gives each θ's single-pass value and gradient")
    func batchedMatchesSingle() throws {
        let model = try InferenceFixtures.toyModel(epochs: 0, device: cpu)
        let x = try InferenceFixtures.toyEvents(count: 200, cx: -0.5, cy: 0.5, seed: 9)
        let nll = try ModelLikelihood(model: model, data: x, device: cpu)
        var rng = TestRandom(seed: 10)
        let thetas = (0..<400).map { _ in [3 * rng.uniform() - 1.5, 3 * rng.uniform() - 1.5] }
        #expect(thetas.count * 200 > DensityModel.evaluationChunk(on: cpu))
        let batched = try nll.values(thetas)
        for k in stride(from: 0, to: thetas.count, by: 37) {
            #expect(abs(batched[k] - (try nll.value(thetas[k]))) < 1e-5 * abs(batched[k]))
        }
        let some = Array(thetas.prefix(5))
        let withGradients = try nll.valuesAndGradients(some)
        for (k, theta) in some.enumerated() {
            let single = try nll.valueAndGradient(theta)
            #expect(abs(withGradients[k].value - single.value) < 1e-5 * abs(single.value))
            for j in 0..<2 { #expect(abs(withGradients[k].gradient[j] - single.gradient[j]) < 1e-4 * max(1, abs(single.gradient[j]))) }
            #expect(abs(withGradients[k].value - batched[k]) < 1e-5 * abs(batched[k]))
        }
    }

    @Test("batched θ values (θ-only work once per θ block of a pass) equal per-event evaluation with nothing shared",
          arguments: ["cpu", "opencl:cpu"])
    func thetaBlocksMatchPerEvent(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        let model = try InferenceFixtures.toyModel(epochs: 1, device: cpu)
        var rng = TestRandom(seed: 12)
        // 200 events × 60 θ: 40 blocks in the first cpu pass, 20 in the second; 20 events × 300 θ:
        // more blocks per pass than a workspace shares over, so every row is done separately.
        for (count, thetaCount) in [(200, 60), (20, 300)] {
            let x = try InferenceFixtures.toyEvents(count: count, cx: 0.6, cy: -0.4, seed: 13)
            let thetas = (0..<thetaCount).map { _ in [3 * rng.uniform() - 1.5, 3 * rng.uniform() - 1.5] }
            let values = try ModelLikelihood(model: model, data: x, device: device, space: .data).values(thetas)
            for k in stride(from: 0, to: thetaCount, by: thetaCount / 12) {
                let perEvent = Array(repeating: thetas[k], count: count).flatMap { $0 }
                let reference = -(try model.logProb(x, theta: perEvent, device: cpu, shareTheta: false)).reduce(0, +)
                #expect(abs(values[k] - reference) < 1e-5 * abs(reference) + 1e-3, "\(count) events, θ \(k): \(values[k]) vs \(reference)")
            }
        }
    }

    @Test("the exact θ-gradient matches central finite differences, in both spaces and with weights", arguments: [LikelihoodSpace.latent, .data])
    func gradient(space: LikelihoodSpace) throws {
        let model = try InferenceFixtures.toyModel(epochs: 2, device: cpu)
        let x = try InferenceFixtures.toyEvents(count: 40, cx: 0.8, cy: 0.8, seed: 11)
        var rng = TestRandom(seed: 12)
        let weights = (0..<40).map { _ in 2 * rng.uniform() }
        let nll = try ModelLikelihood(model: model, data: x, weights: weights, device: cpu, space: space)
        // The networks' leaky ReLUs make the NLL piecewise smooth: a difference quotient agrees
        // with the derivative only for steps that cross few kinks (small steps, few events), and
        // the single-precision rounding limits how small (here ~0.05 at h = 3e-4). θ = 0 is avoided:
        // with near-zero biases many θ-branch kinks sit there.
        let h = 3e-4
        for theta in [[0.3, 0.2], [0.7, -0.4], [-1.3, 1.1]] {
            let (_, gradient) = try nll.valueAndGradient(theta)
            for j in 0..<2 {
                var plus = theta, minus = theta
                plus[j] += h
                minus[j] -= h
                let numeric = (try nll.value(plus) - nll.value(minus)) / (2 * h)
                #expect(abs(gradient[j] - numeric) < 0.01 * abs(numeric) + 0.1, "θ = \(theta), ∂_\(j): exact \(gradient[j]) vs numeric \(numeric)")
            }
        }
    }

    @Test("Hesse errors of a network likelihood (piecewise smooth) scale as 1/√c under constant weights c and match MINOS")
    func hesseIsStableOnKinks() throws {
        let model = try InferenceFixtures.toyModel(epochs: 2, device: cpu)
        let x = try model.sample(count: 400, theta: [0.4, -0.6], seed: 13, device: cpu)
        let fit = MaximumLikelihoodFit(parameters: [FitParameter(name: "cx", lower: -1.5, upper: 1.5), FitParameter(name: "cy", lower: -1.5, upper: 1.5)])
        var scaled: [[Double]] = []
        for c in [0.25, 1, 4, 16] {
            // c · NLL has the same minimum and 1/√c times the errors; the leaky ReLUs' kinks make a
            // difference quotient over a small step depend on where the step falls (11% apart with
            // steps of 0.1 error), not so the curvature across the peak.
            let nll = try ModelLikelihood(model: model, data: x, weights: [Double](repeating: c, count: 400), device: cpu)
            let result = try fit.fit(nll)
            #expect(result.status == .converged)
            scaled.append(result.errors.map { $0 * c.squareRoot() })
            if c == 1 {
                for interval in try fit.minos(nll, result: result, confidenceLevel: Wilks.oneSigma) {
                    let j = interval.parameter == "cx" ? 0 : 1
                    let halfWidth = 0.5 * (interval.upper - interval.lower)
                    #expect(abs(result.errors[j] / halfWidth - 1) < 0.05, "\(interval.parameter): Hesse \(result.errors[j]) vs MINOS half-width \(halfWidth)")
                }
            }
        }
        for j in 0..<2 {
            let values = scaled.map { $0[j] }
            #expect((values.max() ?? 0) / (values.min() ?? 1) < 1.05, "√c × error of θ_\(j) over c = 0.25, 1, 4, 16: \(values)")
        }
    }

    @Test("the MLE of events sampled from the model recovers the θ they were sampled at")
    func recoversSampledTheta() throws {
        let model = try InferenceFixtures.toyModel(epochs: 2, device: cpu)
        let truth = [0.4, -0.6]
        let x = try model.sample(count: 4000, theta: truth, seed: 13, device: cpu)
        let nll = try ModelLikelihood(model: model, data: x, device: cpu)
        let fit = MaximumLikelihoodFit(nll, lower: -1.5, upper: 1.5)
        let result = try fit.fit(nll)
        #expect(result.status == .converged, "status \(result.status), edm \(result.edm)")
        for j in 0..<2 {
            #expect(result.errors[j] > 0 && result.errors[j] < 0.5)
            #expect(abs(result.values[j] - truth[j]) < 4 * result.errors[j], "θ̂ \(result.values) ± \(result.errors)")
        }
        let intervals = try fit.minos(nll, result: result)
        for (j, interval) in intervals.enumerated() {
            #expect(interval.valid)
            // Near-Gaussian: MINOS errors close to Hesse's.
            #expect(abs(interval.upperError / result.errors[j] - 1) < 0.3 && abs(-interval.lowerError / result.errors[j] - 1) < 0.3)
        }
    }

    @Test("bad data and θ are typed errors naming the field")
    func badInput() throws {
        let model = try InferenceFixtures.toyModel(epochs: 0, device: cpu)
        let x = try InferenceFixtures.toyEvents(count: 20, cx: 0, cy: 0, seed: 14)
        #expect(throws: InferenceError.empty(field: "data")) { try ModelLikelihood(model: model, data: [], device: cpu) }
        #expect(throws: InferenceError.self) { try ModelLikelihood(model: model, data: Array(x.dropLast()), device: cpu) }
        var bad = x
        bad[5] = .nan
        #expect(throws: ModelError.self) { try ModelLikelihood(model: model, data: bad, device: cpu) }
        bad = x
        bad[0] = 50
        #expect(throws: ModelError.self) { try ModelLikelihood(model: model, data: bad, device: cpu) }
        #expect(throws: InferenceError.shapeMismatch(field: "weights", expected: "[20] (one per event)", got: "3 values")) {
            try ModelLikelihood(model: model, data: x, weights: [1, 2, 3], device: cpu)
        }
        #expect(throws: InferenceError.nonFinite(field: "weights", index: 2, value: .infinity)) {
            try ModelLikelihood(model: model, data: x, weights: [1, 1, .infinity] + [Double](repeating: 1, count: 17), device: cpu)
        }
        let nll = try ModelLikelihood(model: model, data: x, device: cpu)
        #expect(throws: InferenceError.self) { try nll.value([0]) }
        #expect(throws: InferenceError.self) { try nll.value([0, .nan]) }
        #expect(throws: InferenceError.self) { try nll.values([[0, 0], [1]]) }
        // Far beyond the knots of the unbounded x3: its exponential tail gives a finite NLL; a
        // projection without tails (a model file from before them) has zero density there.
        bad = x
        bad[3] = 1e6
        #expect(try ModelLikelihood(model: model, data: bad, device: cpu, space: .data).value([0, 0]).isFinite)
        var untailed = model
        if var table = untailed.projections[3]?.table {
            table.tails = .none
            untailed.projections[3] = try ObservableProjection(table: table)
        }
        #expect(throws: InferenceError.zeroDensity(field: "data", row: 0, detail: "a value beyond the range the model's latent projection covers")) {
            try ModelLikelihood(model: untailed, data: bad, device: cpu, space: .data)
        }
        #expect(throws: ModelError.notFitted) { try ModelLikelihood(model: try DensityModel(config: model.config), data: x, device: cpu) }
    }
}
