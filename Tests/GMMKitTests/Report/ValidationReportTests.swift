#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GMMKit

/// A small conditional model (x0, x1, integer k; θ = t ∈ {−1, 0, 1}) trained briefly, shared by
/// the report tests.
let reportFixture: Result<(DensityModel, Events), Error> = Result {
    var x0 = TestModels.continuous("x0", 0, 10)
    x0.unit = "GeV"
    let config = TestModels.config([x0, TestModels.continuous("x1", -5, 10), TestModels.integer("k", 0, 3)],
                                   parameters: ["t"], reference: [0], epochs: 2)
    let events = try TestModels.events(count: 1500, observables: ["x0", "x1", "k"], conditional: true)
    return (try DensityModel(config: config).fit(events, device: CPUDevice()), events)
}

/// Report options small enough for debug builds.
func smallReportOptions() -> ValidationReportOptions {
    var options = ValidationReportOptions()
    options.bins = 20
    options.pairBins = 12
    options.minModelSamples = 2000
    options.maxModelSamples = 4000
    return options
}

@Suite struct ValidationReportTests {
    @Test func figuresHoldConsistentData() throws {
        let (model, events) = try reportFixture.get()
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        #expect(report.observables == ["x0", "x1", "k"])
        #expect(report.units == ["GeV", nil, nil])
        #expect(report.loss.epochs.count == model.history.epochs.count && report.loss.bestEpoch == model.history.bestEpoch)
        #expect(report.marginals.count == 3)
        for m in report.marginals {
            // The bins span the central 99.8% of the data (all of it for the integer observable).
            let area = zip(m.data, zip(m.edges, m.edges.dropFirst())).reduce(0) { $0 + $1.0 * ($1.1.1 - $1.1.0) }
            #expect(area > 0.995 && area < 1 + 1e-9, "\(m.observable): data area \(area)")
            if m.observable == "k" { #expect(abs(area - 1) < 1e-9) }
            #expect(m.degreesOfFreedom > 0 && m.chiSquare.isFinite)
        }
        // The integer observable gets one bin per value.
        #expect(report.marginals[2].edges == [-0.5, 0.5, 1.5, 2.5, 3.5])
        #expect(report.pairs.map { [$0.xIndex, $0.yIndex] } == [[0, 1], [0, 2], [1, 2]])
        for pair in report.pairs {
            let inside = pair.data.reduce(0, +)
            #expect(inside > 0.995 && inside < 1 + 1e-9)
            #expect(pair.pulls.count == pair.data.count)
            for (b, pull) in pair.pulls.enumerated() where pair.data[b] == 0 {
                #expect(pair.model[b] > 0 ? pull == .infinity : pull.isNaN)
            }
        }
        // NLL in the summary equals −mean log p(x|θ).
        let logProb = try model.logProb(events.x, theta: events.theta, device: CPUDevice())
        let nll = -logProb.reduce(0, +) / Double(logProb.count)
        let row = try #require(report.summary.first { $0.name.hasPrefix("NLL") })
        #expect(row.value.hasPrefix(ReportFormat.number(nll)), "\(row.value) vs \(nll)")
    }

    @Test func latentMixtureIsTheFirstObservablesFactor() throws {
        let (model, events) = try reportFixture.get()
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        let latent = try #require(report.latent)
        #expect(latent.theta == [0] && latent.dataTheta == [0])
        #expect(abs(latent.mixture.weights.reduce(0, +) - 1) < 1e-9)
        let widths = zip(latent.edges, latent.edges.dropFirst()).map { $1 - $0 }
        #expect(abs(zip(latent.modelBinDensity, widths).reduce(0) { $0 + $1.0 * $1.1 } - 1) < 1e-6, "the mixture integrates to one")
        // log p_0(u_0|θ) from the network evaluation agrees with the mixture read out.
        let u = try model.toLatent(Array(events.x[0..<(30 * 3)]))
        let factors = try model.logProbLatentFactors(u, theta: [0], device: CPUDevice())
        for r in 0..<30 {
            let direct = factors[r * 3], fromMixture = log(latent.mixture.density(at: u[r * 3]))
            #expect(abs(direct - fromMixture) < 2e-4 * max(1, abs(direct)), "row \(r): \(direct) vs \(fromMixture)")
        }
    }

    @Test func importanceSampledRatiosAgreeWithDirectSampling() throws {
        let (model, events) = try reportFixture.get()
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        let scan = try #require(report.thetaScan)
        #expect(scan.reference == [0] && scan.points.map(\.theta) == [[-1], [0], [1]])
        let reference = scan.points[1]
        for i in 0..<3 {
            #expect(reference.modelRatio[i].filter(\.isFinite).allSatisfy { abs($0 - 1) < 1e-9 })
            #expect(reference.dataRatio[i].filter(\.isFinite).allSatisfy { abs($0 - 1) < 1e-9 })
        }
        // Direct: model events drawn at t = 1 and at t = 0, ratio of their normalised histograms.
        let n = 20_000
        let at1 = try model.sample(count: n, theta: [1], seed: 99, device: CPUDevice())
        let at0 = try model.sample(count: n, theta: [0], seed: 98, device: CPUDevice())
        var h1 = Histogram(edges: scan.edges[0]), h0 = Histogram(edges: scan.edges[0])
        for r in 0..<n { h1.fill(at1[r * 3]); h0.fill(at0[r * 3]) }
        var pulls = [Double]()
        for b in 0..<h1.sums.count where h1.sums[b] >= 50 && h0.sums[b] >= 50 {
            let direct = (h1.sums[b] / h1.total) / (h0.sums[b] / h0.total)
            let directError = direct * (1 / h1.sums[b] + 1 / h0.sums[b]).squareRoot()
            let weighted = scan.points[2].modelRatio[0][b], weightedError = scan.points[2].modelErrors[0][b]
            guard weighted.isFinite, weightedError.isFinite else { continue }
            pulls.append((weighted - direct) / (directError * directError + weightedError * weightedError).squareRoot())
        }
        try #require(pulls.count >= 5)
        let meanSquare = pulls.reduce(0) { $0 + $1 * $1 } / Double(pulls.count)
        #expect(meanSquare < 3, "importance-sampled and direct ratios disagree: pulls \(pulls)")
    }

    @Test func unconditionalModelWithAnIntegerFirstObservable() throws {
        let config = TestModels.config([TestModels.integer("k", 0, 3), TestModels.continuous("x0", 0, 10)], epochs: 1)
        let events = try TestModels.events(count: 600, observables: ["k", "x0"], conditional: false)
        let model = try DensityModel(config: config).fit(events, device: CPUDevice())
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        #expect(report.latent == nil, "an integer first observable has no mixture")
        #expect(report.thetaScan == nil, "no θ dependence to show")
        #expect(report.parameters.isEmpty && report.marginals.count == 2 && report.pairs.count == 1)
        #expect(!report.summary.contains { $0.name == "θ points" })
        let html = try ValidationReportHTML.render(report)
        #expect(!html.contains("Latent space") && !html.contains("Dependence on θ") && html.contains("1-D marginals"))
        #expect(ReportFormat.theta([-1, 0.5, 0.12345]) == "(−1, 0.5, 0.1235)")
    }

    @Test func pullsFollowEquationTen() {
        var model = Histogram2D(xEdges: [0, 1, 2], yEdges: [0, 1, 2]), data = Histogram2D(xEdges: [0, 1, 2], yEdges: [0, 1, 2])
        // Bin (0,0): 100 model, 100 data; bin (1,0): 50 model, none in data; (0,1): none, 25 data; (1,1): both empty.
        for _ in 0..<100 { model.fill(0.5, 0.5); data.fill(0.5, 0.5) }
        for _ in 0..<50 { model.fill(1.5, 0.5) }
        for _ in 0..<25 { data.fill(0.5, 1.5) }
        let pulls = PairComparison.pulls(model: model, data: data)
        let pm = 100.0 / 150, pd = 100.0 / 125
        let r = pm / pd, dr = r * (1 / 100.0 + 1 / 100.0).squareRoot()
        #expect(abs(pulls[0] - (r - 1) / dr) < 1e-12)
        #expect(pulls[1] == .infinity)
        #expect(abs(pulls[2] - -(25.0 / 125) / (1.0 / 150)) < 1e-9)
        #expect(pulls[3].isNaN)
        // Identical histograms: zero pull.
        #expect(PairComparison.pulls(model: data, data: data).filter(\.isFinite).allSatisfy { $0 == 0 })
    }

    @Test func badInputIsRejected() throws {
        let (model, events) = try reportFixture.get()
        #expect(throws: ValidationReportError.noEvents) {
            try ValidationReport.make(model: model, events: events.subset([]), device: CPUDevice())
        }
        var options = smallReportOptions()
        options.bins = 1
        #expect(throws: ValidationReportError.self) { try ValidationReport.make(model: model, events: events, options: options, device: CPUDevice()) }
        let outside = try Events(x: [11, 0, 0], theta: [0], observables: 3, parameters: 1)
        #expect(throws: ModelError.self) { try ValidationReport.make(model: model, events: outside, device: CPUDevice()) }
        let untrained = try DensityModel(config: model.config)
        #expect(throws: ModelError.notFitted) { try ValidationReport.make(model: untrained, events: events, device: CPUDevice()) }
    }

    @Test func sameSeedSameReport() throws {
        let (model, events) = try reportFixture.get()
        var options = smallReportOptions()
        options.maxEvents = 700  // subsampled too
        let a = try ValidationReport.make(model: model, events: events, options: options, device: CPUDevice())
        let b = try ValidationReport.make(model: model, events: events, options: options, device: CPUDevice())
        // Bit-for-bit (NaN marks empty bins, so compare bit patterns).
        func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }
        #expect(a.marginals.map { bits($0.model + $0.data + $0.ratio) } == b.marginals.map { bits($0.model + $0.data + $0.ratio) })
        #expect(a.pairs.map { bits($0.model + $0.pulls) } == b.pairs.map { bits($0.model + $0.pulls) })
        #expect(a.thetaScan?.points.map { bits($0.modelRatio.flatMap { $0 }) } == b.thetaScan?.points.map { bits($0.modelRatio.flatMap { $0 }) })
        #expect(a.summary == b.summary)
        #expect(a.notes.contains { $0.contains("subsample of 700") })
    }

    @Test func htmlHoldsEveryFigureAsWellFormedSVG() throws {
        let (model, events) = try reportFixture.get()
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        let html = try ValidationReportHTML.render(report, sources: [SummaryRow(name: "Model", value: "<dir & co>")])
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("&lt;dir &amp; co&gt;"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1,
                "the page must not load anything from the network")
        let svgs = html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        // Loss, marginals, three pair figures, latent view, one θ-scan figure per observable.
        #expect(svgs.count == 1 + 1 + 3 + 1 + 3)
        for svg in svgs {
            let xml = XMLCollector.parse(svg)
            #expect(xml.parseError == nil, "\(xml.parseError ?? "")")
        }
        for heading in ["Summary", "Training", "1-D marginals", "2-D marginals: data", "2-D marginals: model", "Pull on the ratio", "Latent space", "Dependence on θ"] {
            #expect(html.contains(heading), "missing section \(heading)")
        }
        #expect(html.contains("x0 [GeV]"))
    }
}
