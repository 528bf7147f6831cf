import Testing
import GMMTestSupport
@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DensityModelNormalizationTests {
    let cpu = try! Devices.open("cpu")

    /// ∫ p(x) dx over the observable's interval in data space, by Gauss–Legendre between
    /// breakpoints at the projection's knots (where the Jacobian steps) and at the images of
    /// latent points 0.05 apart (so each piece spans a small part of the latent density).
    func dataSpaceIntegral(_ model: DensityModel) throws -> Double {
        let projection = try #require(model.projections[0])
        let breakpoints = Set(projection.table.knotsX + evenlySpaced(-5, 5, count: 200).map { projection.fromLatent($0) }).sorted()
        let (nodes, weights) = gaussLegendreGrid(breakpoints)
        let logP = try model.logProb(nodes, theta: [], device: cpu)
        return zip(logP, weights).reduce(0) { $0 + exp($1.0) * $1.1 }
    }

    @Test("1-D data-space density integrates to 1 ± 1e-4, untrained and trained", arguments: [true, false])
    func oneDimensional(truncate: Bool) throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10)], epochs: 3, truncate: truncate)
        let events = try TestModels.events(count: 600, observables: ["x0"], conditional: false)
        let untrained = try DensityModel(config: config).prepared(on: events)
        let trained = try untrained.fit(events, device: cpu)
        #expect(trained.history.epochs.count == 3)
        for model in [untrained, trained] {
            let integral = try dataSpaceIntegral(model)
            if truncate {
                #expect(abs(integral - 1) < 1e-4, "∫p dx = \(integral)")
            } else {
                // The paper's untruncated mixture leaks mass outside the latent interval.
                #expect(integral < 1 + 1e-4 && integral > 0.5, "∫p dx = \(integral)")
            }
        }
    }

    @Test("2-D latent density (continuous × continuous) integrates to 1 ± 1e-4")
    func twoContinuous() throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 2)
        let events = try TestModels.events(count: 900, observables: ["x0", "x1"], conditional: true)
        let untrained = try DensityModel(config: config).prepared(on: events)
        let trained = try untrained.fit(events, device: cpu)
        let (nodes, weights) = gaussLegendreGrid(evenlySpaced(-5, 5, count: 200))
        var u: [Double] = [], w: [Double] = []
        for (a, wa) in zip(nodes, weights) { for (b, wb) in zip(nodes, weights) { u += [a, b]; w.append(wa * wb) } }
        for model in [untrained, trained] {
            for theta in [-1.0, 0.5] {
                let logP = try model.logProbLatent(u, theta: [theta], device: cpu)
                let integral = zip(logP, w).reduce(0) { $0 + exp($1.0) * $1.1 }
                #expect(abs(integral - 1) < 1e-4, "θ = \(theta): ∫∫p du = \(integral)")
            }
        }
    }

    @Test("continuous × integer: Σ_k ∫ p(u, k) du = 1 ± 1e-4")
    func continuousAndInteger() throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.integer("k", 0, 3)], epochs: 2)
        let events = try TestModels.events(count: 600, observables: ["x0", "k"], conditional: false)
        let trained = try DensityModel(config: config).fit(events, device: cpu)
        let (nodes, weights) = gaussLegendreGrid(evenlySpaced(-5, 5, count: 160))
        var u: [Double] = [], w: [Double] = []
        for k in 0...3 { for (a, wa) in zip(nodes, weights) { u += [a, Double(k)]; w.append(wa) } }
        let logP = try trained.logProbLatent(u, theta: [], device: cpu)
        let integral = zip(logP, w).reduce(0) { $0 + exp($1.0) * $1.1 }
        #expect(abs(integral - 1) < 1e-4, "Σ∫p = \(integral)")
        // The categorical factor alone sums to one at any u0.
        let factors = try trained.logProbLatentFactors([1.5, 0, 1.5, 1, 1.5, 2, 1.5, 3], theta: [], device: cpu)
        let total = (0..<4).reduce(0.0) { $0 + exp(factors[$1 * 2 + 1]) }
        #expect(abs(total - 1) < 1e-5)
    }
}

@Suite struct DensityModelBehaviourTests {
    let cpu = try! Devices.open("cpu")

    static func threeObservableModel(device: Device, epochs: Int = 2) throws -> (DensityModel, Events) {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.integer("k", 0, 3), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: epochs)
        let events = try TestModels.events(count: 1200, observables: ["x0", "k", "x1"], conditional: true)
        return (try DensityModel(config: config).fit(events, device: device), events)
    }

    @Test("log p_i does not depend on u_j for j ≥ i (cpu and PoCL, after training)", arguments: ["cpu", "opencl:cpu"])
    func autoregressiveMask(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        let (model, _) = try Self.threeObservableModel(device: device)
        let base: [Double] = [0.3, 1, -1.2]
        for j in 0..<3 {
            var moved = base
            moved[j] = j == 1 ? 3 : base[j] + 2.1
            let before = try model.logProbLatentFactors(base, theta: [0.4], device: device)
            let after = try model.logProbLatentFactors(moved, theta: [0.4], device: device)
            for i in 0..<j { #expect(before[i] == after[i], "factor \(i) changed when u_\(j) moved") }
            if j < 2 { #expect(before[2] != after[2], "the last factor should depend on u_\(j)") }
        }
    }

    @Test("the same seed gives the same model on cpu; training lowers the loss")
    func reproducible() throws {
        let (a, _) = try Self.threeObservableModel(device: cpu, epochs: 3)
        let (b, _) = try Self.threeObservableModel(device: cpu, epochs: 3)
        #expect(a.parameters == b.parameters)
        #expect(a.history.epochs.map(\.trainingLoss) == b.history.epochs.map(\.trainingLoss))
        #expect(a.history.epochs.map(\.validationLoss) == b.history.epochs.map(\.validationLoss))
        let losses = a.history.epochs.map(\.trainingLoss)
        #expect(losses.last! < losses.first!)
    }

    @Test("an interrupted run resumed from its checkpoint ends where an uninterrupted one does")
    func resume() throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 4)
        let events = try TestModels.events(count: 900, observables: ["x0", "x1"], conditional: true)
        let whole = try DensityModel(config: config).fit(events, device: cpu)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try DensityModel(config: config).fit(events, device: cpu,
                                                         options: TrainingOptions(checkpointDirectory: directory.path, epochLimit: 2))
        #expect(first.history.epochs.count == 2)
        let resumed = try DensityModel(config: config).fit(events, device: cpu,
                                                           options: TrainingOptions(checkpointDirectory: directory.path, resume: true))
        #expect(resumed.history.epochs.count == 4)
        #expect(resumed.parameters == whole.parameters)
        #expect(resumed.history.epochs.map(\.validationLoss) == whole.history.epochs.map(\.validationLoss))
    }

    @Test("a checkpoint is replaced in one step: a write killed at any byte leaves the previous one, whose resume is exact; the killed write's file is removed")
    func checkpointKilledMidWrite() throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 4)
        let events = try TestModels.events(count: 900, observables: ["x0", "x1"], conditional: true)
        let whole = try DensityModel(config: config).fit(events, device: cpu)
        // The bytes the write after epoch 3 puts down, from a run stopped there.
        let later = try TemporaryDirectory()
        defer { later.remove() }
        _ = try DensityModel(config: config).fit(events, device: cpu, options: TrainingOptions(checkpointDirectory: later.path, epochLimit: 3))
        let next = try later.read("checkpoint/checkpoint.safetensors")
        for cut in [0, 1, 8, next.count / 2, next.count - 1, next.count] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            _ = try DensityModel(config: config).fit(events, device: cpu, options: TrainingOptions(checkpointDirectory: directory.path, epochLimit: 2))
            #expect(try directory.contents() == ["checkpoint"])
            #expect(try directory.contents(of: "checkpoint") == ["checkpoint.safetensors"])
            // A kill before the rename: the temporary file holds the first `cut` bytes.
            let stale = ".checkpoint.safetensors.tmp.a1B2c3"
            try directory.write(Array(next.prefix(cut)), to: "checkpoint/\(stale)")
            try directory.age("checkpoint/\(stale)", seconds: 60)
            let resumed = try DensityModel(config: config).fit(events, device: cpu,
                                                               options: TrainingOptions(checkpointDirectory: directory.path, resume: true))
            #expect(resumed.parameters == whole.parameters, "cut at byte \(cut)")
            #expect(resumed.history.epochs.map(\.validationLoss) == whole.history.epochs.map(\.validationLoss))
            #expect(try directory.contents(of: "checkpoint") == ["checkpoint.safetensors"], "cut at byte \(cut)")
        }
    }

    @Test("resume refuses a checkpoint of another run: another seed, other events, another configuration")
    func resumeRefusesAnotherRun() throws {
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 4)
        let events = try TestModels.events(count: 900, observables: ["x0", "x1"], conditional: true)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try DensityModel(config: config).fit(events, device: cpu, options: TrainingOptions(checkpointDirectory: directory.path, epochLimit: 2))
        func refusal(_ config: ModelConfig, _ events: Events) -> String {
            do {
                _ = try DensityModel(config: config).fit(events, device: cpu, options: TrainingOptions(checkpointDirectory: directory.path, resume: true))
                return "resumed"
            } catch {
                return "\(error)"
            }
        }
        var seeded = config
        seeded.training.seed += 1
        #expect(refusal(seeded, events).contains("its seed is \(config.training.seed), this run's \(seeded.training.seed)"))
        let half = events.subset(Array(0..<450))
        #expect(refusal(config, half).contains("it trained on 900 events, this run has 450"))
        var shifted = events
        shifted.x[0] += shifted.x[0] < 5 ? 0.5 : -0.5
        #expect(refusal(config, shifted).contains("it trained on other events"))
        var wider = config
        wider.network.nGaussians += 1
        #expect(refusal(wider, events).contains("model configuration or projections differ"))
        // More epochs for the same run is a resume, not another run.
        var longer = config
        longer.training.maxEpochs = 5
        #expect(try DensityModel(config: longer).fit(events, device: cpu, options: TrainingOptions(checkpointDirectory: directory.path, resume: true))
            .history.epochs.count == 5)
    }

    @Test("a θ point whose total weight is not positive is reported")
    func weightWarnings() throws {
        let events = try Events(x: [1, 2, 3, 4], theta: [0, 0, 1, 1], weights: [1, 0.5, 0.2, -0.4], observables: 1, parameters: 1)
        let warnings = DensityModel.weightWarnings(events)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("θ = (1.0)") == true)
        #expect(DensityModel.weightWarnings(try Events(x: [1], theta: [0], observables: 1, parameters: 1)).isEmpty)
    }

    @Test("save → load gives identical log-densities; the files are safetensors + JSON")
    func saveAndLoad() throws {
        let (model, events) = try Self.threeObservableModel(device: cpu)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try model.save(to: directory.path)
        #expect(try directory.contents() == ["checkpoint", "model.json", "weights.safetensors"].filter { $0 != "checkpoint" })
        let loaded = try DensityModel.load(from: directory.path)
        let x = Array(events.x.prefix(300))
        let theta = Array(events.theta.prefix(100))
        #expect(try loaded.logProb(x, theta: theta, device: cpu) == model.logProb(x, theta: theta, device: cpu))
        var done: [Int] = []
        #expect(try loaded.logProb(x, theta: theta, device: cpu) { done.append($0) } == model.logProb(x, theta: theta, device: cpu))
        #expect(done == [100])  // one pass: progress after each pass, ending at N
        let weights = try SafetensorsFile(contentsOfFile: directory.file("weights.safetensors"))
        #expect(weights.tensors["x1.trunk1.weight"]?.shape == [12 + 12 + 4 * 2, 12 + 12 + 4 * 2])
        #expect(weights.tensors["k.categories1.bias"]?.shape == [4])
        // x0: θ branch, 1 trunk layer, 3 channels × 2 layers (no u branch); x1: the same plus
        // its u branch; k: θ, u, 2 hidden, output — each a weight and a bias.
        #expect(weights.tensors.count == 2 * (8 + 9 + 5))
    }

    @Test("corrupt or mismatched model files give clear errors")
    func corruptFiles() throws {
        let (model, _) = try Self.threeObservableModel(device: cpu, epochs: 1)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let digest = try model.save(to: directory.path)
        #expect(try SHA256.hexDigest(directory.read("weights.safetensors")) == digest)
        #expect(try DensityModel.recordedWeightsSHA256(in: directory.path) == digest)
        // Weights of another save (same shapes, one value changed), as a `train` stopped between
        // its two writes leaves them: refused, naming both digests.
        let original = try SafetensorsFile(contentsOfFile: directory.file("weights.safetensors"))
        var weights = original
        var bias = weights.tensors["x0.theta.bias"]?.floats ?? []
        bias[0] += 0.5
        weights.tensors["x0.theta.bias"] = try SafetensorsTensor(shape: [bias.count], floats: bias)
        try weights.write(toFile: directory.file("weights.safetensors"))
        let changed = SHA256.hexDigest(try directory.read("weights.safetensors"))
        #expect(changed != digest)
        #expect(throws: ModelFileError.self) { try DensityModel.load(from: directory.path) }
        do {
            _ = try DensityModel.load(from: directory.path)
        } catch {
            #expect("\(error)".contains(changed) && "\(error)".contains(digest) && "\(error)".contains("two different saves"))
        }
        // Deleting the recorded digest (the documented way to use replaced weights) loads them.
        let description = String(decoding: try directory.read("model.json"), as: UTF8.self)
        let unbound = description.replacingOccurrences(of: ",\n  \"weights_sha256\" : \"\(digest)\"", with: "")
        #expect(unbound.count < description.count)
        try directory.write(Array(unbound.utf8), to: "model.json")
        #expect(try DensityModel.recordedWeightsSHA256(in: directory.path) == nil)
        let replaced = try DensityModel.load(from: directory.path)
        #expect(replaced.parameters != model.parameters)
        weights.tensors["x0.theta.weight"] = try SafetensorsTensor(shape: [2, 2], floats: [0, 0, 0, 0])
        try weights.write(toFile: directory.file("weights.safetensors"))
        #expect(throws: ModelFileError.tensorShape(path: directory.file("weights.safetensors"), name: "x0.theta.weight", expected: [1, 12], got: [2, 2])) {
            try DensityModel.load(from: directory.path)
        }
        try directory.write(Array("{\"format\": \"something else\"}".utf8), to: "model.json")
        #expect(throws: ModelFileError.self) { try DensityModel.load(from: directory.path) }
    }

    @Test("cpu and PoCL give the same log-densities and samples")
    func devicesAgree() throws {
        let (model, events) = try Self.threeObservableModel(device: cpu)
        let pocl = try Devices.open("opencl:cpu")
        let x = Array(events.x.prefix(3 * 500)), theta = Array(events.theta.prefix(500))
        let a = try model.logProb(x, theta: theta, device: cpu)
        let b = try model.logProb(x, theta: theta, device: pocl)
        for (p, q) in zip(a, b) { #expect(abs(p - q) < 1e-3 * max(1, abs(p)), "\(p) vs \(q)") }
        let s1 = try model.sample(count: 200, theta: [0.5], seed: 9, device: cpu)
        let s2 = try model.sample(count: 200, theta: [0.5], seed: 9, device: pocl)
        var differing = 0
        for (p, q) in zip(s1, s2) where abs(p - q) > 1e-3 * max(1, abs(p)) { differing += 1 }
        // Rounding can flip a component choice or a category for a rare event; nearly all agree.
        #expect(differing <= 6, "\(differing) of \(s1.count) sampled values differ")
    }

    @Test("one θ for every event (θ-only work done once per pass) gives the per-event-θ log-densities", arguments: ["cpu", "opencl:cpu"])
    func sharedTheta(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        let (model, events) = try Self.threeObservableModel(device: cpu)
        let x = Array(events.x.prefix(3 * 700))
        let (toy, toyEvents) = try NetworkGradientTests.smallModel()
        let toyX = Array(toyEvents.x.prefix(4 * 150))
        for (model, x, theta) in [(model, x, [0.5]), (model, x, [-0.3]), (toy, toyX, [0.3, -0.6]), (toy, toyX, [-0.9, 0.2])] {
            let n = x.count / model.observableCount
            let perEvent = Array(repeating: theta, count: n).flatMap { $0 }
            let shared = try model.logProb(x, theta: theta, device: device)
            let runs = try model.logProb(x, theta: perEvent, device: device)
            let separate = try model.logProb(x, theta: perEvent, device: device, shareTheta: false)
            #expect(shared.count == n)
            for (p, q) in zip(shared, separate) { #expect(abs(p - q) <= 1e-4 * max(1, abs(q)), "θ = \(theta): \(p) vs \(q)") }
            for (p, q) in zip(runs, separate) { #expect(abs(p - q) <= 1e-4 * max(1, abs(q)), "θ = \(theta), as a run: \(p) vs \(q)") }
        }
    }

    @Test("events whose θ points are mixed within a chunk, evaluated sorted by θ, come back in the caller's order")
    func mixedThetaSorted() throws {
        let (model, events) = try Self.threeObservableModel(device: cpu)
        // θ ∈ {−1, 0, 1} in turn: no runs, three blocks of one θ per chunk once sorted.
        let n = 600
        let x = Array(events.x.prefix(3 * n)), theta = Array(events.theta.prefix(n))
        let sorted = try #require(model.sortedByTheta(theta, rows: n, minimumMeanRows: cpu.minimumThetaBlockRows))
        #expect(sorted.blocks.bounds == [0, 200, 400, 600])
        #expect(Set(sorted.order) == Set(0..<n))
        for k in 0..<3 { #expect(Set(sorted.blocks.rows(k).map { theta[sorted.order[$0]] }).count == 1, "block \(k) holds one θ") }
        let inOrder = try model.logProb(x, theta: theta, device: cpu)
        let separate = try model.logProb(x, theta: theta, device: cpu, shareTheta: false)
        for (r, (p, q)) in zip(inOrder, separate).enumerated() { #expect(abs(p - q) <= 1e-4 * max(1, abs(q)), "row \(r): \(p) vs \(q)") }
        // The factors, against each θ point's events evaluated at that one θ.
        let u = try model.toLatent(x)
        let factors = try model.logProbLatentFactors(u, theta: theta, device: cpu)
        for t in [-1.0, 0, 1] {
            let rows = (0..<n).filter { theta[$0] == t }
            let alone = try model.logProbLatentFactors(rows.flatMap { u[(3 * $0)..<(3 * $0 + 3)] }, theta: [t], device: cpu)
            for (k, r) in rows.enumerated() {
                for i in 0..<3 { #expect(abs(factors[3 * r + i] - alone[3 * k + i]) <= 1e-4 * max(1, abs(alone[3 * k + i])), "row \(r), factor \(i)") }
            }
        }
        #expect(model.sortedByTheta(theta, rows: n, minimumMeanRows: 300) == nil, "blocks of 200 rows are below a minimum of 300")
    }

    @Test("fromLatent inverts toLatent (integer observables unchanged) and refuses values outside the latent interval")
    func latentRoundTrip() throws {
        let (model, events) = try Self.threeObservableModel(device: cpu, epochs: 1)
        let x = Array(events.x.prefix(3 * 300))
        let u = try model.toLatent(x)
        let back = try model.fromLatent(u)
        for (r, (a, b)) in zip(x, back).enumerated() {
            #expect(abs(a - b) <= 1e-6 * max(1, abs(a)), "value \(r) (observable \(r % 3)): \(a) came back as \(b)")
        }
        #expect(stride(from: 1, to: u.count, by: 3).allSatisfy { u[$0] == x[$0] }, "the integer observable is not projected")
        #expect(stride(from: 0, to: u.count, by: 3).contains { u[$0] != x[$0] }, "the continuous observables are projected")
        #expect(throws: ModelError.outsideInterval(observable: "x1 (latent)", row: 1, value: 5.5, lower: -5, upper: 5)) {
            try model.fromLatent([0, 1, 0, 0, 2, 5.5])
        }
        #expect(throws: ModelError.shapeMismatch(field: "u", expected: "[N, 3]", got: "4 values")) {
            try model.fromLatent([0, 1, 0, 0])
        }
    }

    @Test("bad input gets one clear error")
    func badInput() throws {
        let (model, _) = try Self.threeObservableModel(device: cpu, epochs: 1)
        #expect(throws: ModelError.outsideInterval(observable: "x0", row: 0, value: 11, lower: 0, upper: 10)) {
            try model.logProb([11, 1, 0], theta: [0], device: cpu)
        }
        #expect(throws: ModelError.notInteger(observable: "k", row: 0, value: 1.5)) {
            try model.logProb([1, 1.5, 0], theta: [0], device: cpu)
        }
        #expect(throws: ModelError.nonFinite(field: "x", row: 0, column: 2, value: .infinity)) {
            try model.logProb([1, 1, .infinity], theta: [0], device: cpu)
        }
        #expect(throws: ModelError.shapeMismatch(field: "x", expected: "[N, 3]", got: "4 values")) {
            try model.logProb([1, 1, 1, 1], theta: [0], device: cpu)
        }
        #expect(throws: ModelError.shapeMismatch(field: "theta", expected: "[1] or [1, 1] values", got: "2 values")) {
            try model.logProb([1, 1, 1], theta: [0, 1], device: cpu)
        }
        let events = try Events(x: [1, 1, 1], theta: [0.5], observables: 3, parameters: 1)
        #expect(throws: ModelError.noReferenceEvents(reference: [0], distinct: [[0.5]])) {
            try DensityModel(config: model.config).prepared(on: events)
        }
        #expect(throws: ModelError.self) { try Events(x: [1, .nan, 1], theta: [0], observables: 3, parameters: 1) }
    }
}

@Suite struct SamplingTests {
    @Test("samples lie in the intervals and follow the trained 2-D model's density (χ² on 8×8 latent bins)")
    func samplesFollowDensity() throws {
        let cpu = try Devices.open("cpu")
        let config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                       parameters: ["t"], reference: [0], epochs: 3)
        let events = try TestModels.events(count: 1500, observables: ["x0", "x1"], conditional: true)
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let n = 40_000
        let x = try model.sample(count: n, theta: [0.5], seed: 5, device: cpu)
        for r in 0..<n {
            #expect(x[2 * r] >= 0 && x[2 * r] <= 10 && x[2 * r + 1] >= -5 && x[2 * r + 1] <= 10)
        }
        let u = try model.sampleLatent(count: n, theta: [0.5], seed: 5, device: cpu)
        // Expected bin probabilities by quadrature of the model's latent density.
        var probabilities = [Double](repeating: 0, count: 64)
        let (nodes, weights) = gaussLegendreGrid(evenlySpaced(-5, 5, count: 64))
        var grid: [Double] = [], gridWeights: [Double] = [], bins: [Int] = []
        func bin(_ v: Double) -> Int { min(7, max(0, Int((v + 5) / 1.25))) }
        for (a, wa) in zip(nodes, weights) {
            for (b, wb) in zip(nodes, weights) { grid += [a, b]; gridWeights.append(wa * wb); bins.append(bin(a) * 8 + bin(b)) }
        }
        let logP = try model.logProbLatent(grid, theta: [0.5], device: cpu)
        for k in logP.indices { probabilities[bins[k]] += exp(logP[k]) * gridWeights[k] }
        var counts = [Double](repeating: 0, count: 64)
        for r in 0..<n { counts[bin(u[2 * r]) * 8 + bin(u[2 * r + 1])] += 1 }
        var chi2 = 0.0, dof = -1
        for k in 0..<64 where probabilities[k] * Double(n) >= 5 {
            let expected = probabilities[k] * Double(n)
            chi2 += (counts[k] - expected) * (counts[k] - expected) / expected
            dof += 1
        }
        // χ² 0.1% critical value ≈ dof + 3.1·√(2·dof) + 4.
        #expect(dof > 10)
        #expect(chi2 < Double(dof) + 3.1 * (2 * Double(dof)).squareRoot() + 4, "χ² = \(chi2) with \(dof) degrees of freedom")
    }
}
