import Foundation
import Testing
@testable import GMMKit

@Suite struct ModelConfigTests {
    static let json = """
        {
          "observables": [
            {"name": "x0", "kind": "continuous", "interval": [0, "inf"], "projection_f": 0.2},
            {"name": "x1", "interval": ["-inf", "inf"]},
            {"name": "x2", "kind": "continuous", "interval": [-3.141592653589793, 3.141592653589793], "projection_f": 0.8},
            {"name": "n", "kind": "integer", "interval": [2, 6]}
          ],
          "parameters": {"names": ["cx", "cy"], "reference": [0, 0.5]},
          "latent": {"alpha": 4, "beta": 3, "gamma": 1, "interval": [-5, 5]},
          "network": {"n_gaussians": 30, "s_f": 0.125, "truncate": false, "categorical_hidden": [64, 32]},
          "training": {"batch_size": 5000, "learning_rate": 1e-3, "seed": 7}
        }
        """

    static let yaml = """
        observables:
          - {name: x0, kind: continuous, interval: [0, .inf], projection_f: 0.2}
          - name: x1
            interval: [-inf, inf]
          - name: x2
            kind: continuous
            interval: [-3.141592653589793, 3.141592653589793]
            projection_f: 0.8
          - {name: n, kind: integer, interval: [2, 6]}
        parameters:
          names: [cx, cy]
          reference: [0, 0.5]
        latent: {alpha: 4, beta: 3, gamma: 1, interval: [-5, 5]}
        network:
          n_gaussians: 30
          s_f: 0.125
          truncate: false
          categorical_hidden: [64, 32]
        training:
          batch_size: 5000
          learning_rate: 1e-3
          seed: 7
        """

    /// Decodes `text` (JSON) and returns the ConfigError it throws.
    static func jsonError(_ text: String) -> ConfigError? {
        do {
            _ = try ModelConfig.fromJSON(text)
            return nil
        } catch {
            return error
        }
    }

    /// A minimal valid description with one extra section or observable override spliced in.
    static func minimal(observable: String = #"{"name": "x", "interval": [0, 1]}"#, extra: String = "") -> String {
        #"{"observables": [\#(observable)]\#(extra.isEmpty ? "" : ", " + extra)}"#
    }

    @Test func defaultsAreTable5() throws {
        let config = try ModelConfig.fromJSON(Self.minimal())
        let n = config.network
        #expect(n.nGaussians == 20 && n.a1 == 50 && n.a2 == 0 && n.b1 == 50 && n.b2 == 20 && n.c == 2 && n.d == 3)
        #expect(n.sF == 0.01 && n.sMu == 0.01 && n.sSigma == 0.01 && n.fSigma == 0.25 && n.epsilon == 1e-4)
        #expect(n.truncate && n.categoricalHidden == [300, 200])
        let t = config.training
        #expect(t.batchSize == 500 && t.learningRate == 0.001 && t.lrUpdateFactor == 0.5 && t.lrPatience == 2)
        #expect(t.maxEpochs == 400 && t.earlyStoppingPatience == 8 && t.earlyStoppingMinDelta == 1e-6)
        #expect(t.validationFraction == 0.4 && t.seed == 0 && t.lrMonitor == .validation)
        #expect(try ModelConfig.fromJSON(Self.minimal(extra: #""training": {"lr_monitor": "training"}"#)).training.lrMonitor == .training)
        #expect(config.latent == LatentConfig(alpha: 4, beta: 3, gamma: 1, interval: .init(lower: -5, upper: 5)))
        #expect(try config.latent.target() == LatentTarget.standard)
        #expect(config.observables[0].kind == .continuous && config.observables[0].projectionF == 0.5)
        #expect(config.parameters.names.isEmpty && config.parameters.reference.isEmpty)
        #expect(config == ModelConfig(observables: [ObservableConfig(name: "x", interval: .init(lower: 0, upper: 1))]))
    }

    @Test func jsonAndYAMLDecodeToTheSameConfig() throws {
        let fromJSON = try ModelConfig.fromJSON(Self.json)
        let fromYAML = try ModelConfig.fromYAML(Self.yaml)
        #expect(fromJSON == fromYAML)
        #expect(fromJSON.observables[0].interval == ConfigInterval(lower: 0, upper: .infinity))
        #expect(fromJSON.observables[1].interval == ConfigInterval(lower: -.infinity, upper: .infinity))
        #expect(fromJSON.observables[3].categoryCount == 5)
        #expect(fromJSON.network.nGaussians == 30 && !fromJSON.network.truncate && fromJSON.training.seed == 7)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let config = try ModelConfig.fromJSON(Self.json)
        let data = try config.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"n_gaussians\"") && text.contains("\"inf\"") && !text.contains("nGaussians"))
        #expect(try ModelConfig.fromJSON(data) == config)
        // Yams writes plain-notation doubles with 15 significant digits, so pi does not survive YAML;
        // values with at most 15 significant digits do.
        #expect(try ModelConfig.fromYAML(try config.yamlString()) != config)
        var short = config
        short.observables[2].interval = ConfigInterval(lower: -3.14159, upper: 3.14159)
        #expect(try ModelConfig.fromYAML(try short.yamlString()) == short)
    }

    @Test func layerWidthsFollowFigure3() throws {
        let config = try ModelConfig.fromJSON(Self.json)
        let w0 = try #require(config.layerWidths(forObservable: 0))
        #expect(w0 == LayerWidths(thetaBranch: 50, latentBranch: 0, intermediateLayers: 2, headHidden: 90, headOutput: 30))
        #expect(w0.hidden == 50)
        let w2 = try #require(config.layerWidths(forObservable: 2))
        #expect(w2.latentBranch == 50 + 20 * 2 && w2.hidden == 140)
        var wide = config
        wide.network.a2 = 10
        #expect(wide.layerWidths(forObservable: 1)?.thetaBranch == 50 + 10 * 2)
        #expect(config.layerWidths(forObservable: 3) == nil)
        #expect(config.layerWidths(forObservable: 9) == nil)
        let categorical = try #require(config.categoricalLayerWidths(forObservable: 3))
        #expect(categorical == CategoricalLayerWidths(thetaBranch: 50, latentBranch: 110, hidden: [64, 32], categories: 5))
        #expect(config.categoricalLayerWidths(forObservable: 0) == nil)
    }

    @Test func unknownKeysAreNamedWithTheirPath() {
        let error = Self.jsonError(Self.minimal(extra: #""network": {"n_gausians": 20}"#))
        guard case let .unknownKey(path, known) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(path == "network.n_gausians" && known.contains("n_gaussians"))
        #expect(error?.description.hasPrefix("network.n_gausians: unknown key (known keys: n_gaussians") == true)

        let nested = Self.jsonError(Self.minimal(observable: #"{"name": "x", "interval": [0, 1], "projection": 0.2}"#))
        #expect(nested == .unknownKey(path: "observables[0].projection", known: ObservableConfig.keys))
        let top = Self.jsonError(Self.minimal(extra: #""trainig": {}"#))
        #expect(top == .unknownKey(path: "trainig", known: ModelConfig.keys))
        let yaml = try? ModelConfig.fromYAML("observables:\n  - {name: x, interval: [0, 1], colour: red}\n")
        #expect(yaml == nil)
        do {
            _ = try ModelConfig.fromYAML("observables:\n  - {name: x, interval: [0, 1], colour: red}\n")
        } catch {
            #expect(error == .unknownKey(path: "observables[0].colour", known: ObservableConfig.keys))
        }
    }

    @Test func observableUnitIsOptionalAndRoundTrips() throws {
        let config = try ModelConfig.fromJSON(Self.minimal(observable: #"{"name": "x", "interval": [0, 1], "unit": "GeV"}"#))
        #expect(config.observables[0].unit == "GeV")
        #expect(try ModelConfig.fromJSON(try config.jsonData()) == config)
        #expect(try ModelConfig.fromYAML(try config.yamlString()) == config)
        #expect(try ModelConfig.fromJSON(Self.minimal()).observables[0].unit == nil)
        let error = Self.jsonError(Self.minimal(observable: #"{"name": "x", "interval": [0, 1], "unit": 5}"#))
        #expect(error == .wrongType(path: "observables[0].unit", expected: "a string", got: "integer 5"))
    }

    @Test func wrongTypesNameKeyExpectedAndGot() {
        let e1 = Self.jsonError(Self.minimal(extra: #""training": {"batch_size": "big"}"#))
        #expect(e1 == .wrongType(path: "training.batch_size", expected: "an integer", got: "string \"big\""))
        let e2 = Self.jsonError(Self.minimal(extra: #""network": {"n_gaussians": 2.5}"#))
        #expect(e2 == .wrongType(path: "network.n_gaussians", expected: "an integer", got: "number 2.5"))
        let e3 = Self.jsonError(Self.minimal(extra: #""network": {"truncate": 1}"#))
        #expect(e3 == .wrongType(path: "network.truncate", expected: "a boolean (true or false)", got: "integer 1"))
        let e4 = Self.jsonError(Self.minimal(extra: #""parameters": {"names": ["a"], "reference": [true]}"#))
        #expect(e4 == .wrongType(path: "parameters.reference[0]", expected: "a number", got: "boolean true"))
        let e5 = Self.jsonError(Self.minimal(observable: #"{"name": "x", "interval": [0, "big"]}"#))
        #expect(e5 == .wrongType(path: "observables[0].interval[1]", expected: "a number or \"-inf\"/\"inf\"", got: "string \"big\""))
        let e6 = Self.jsonError(Self.minimal(extra: #""latent": [1, 2]"#))
        #expect(e6 == .wrongType(path: "latent", expected: "an object", got: "an array"))
        let e7 = Self.jsonError(#"{"observables": {"name": "x"}}"#)
        #expect(e7 == .wrongType(path: "observables", expected: "an array of observable objects", got: "an object"))
        let e8 = Self.jsonError(Self.minimal(extra: #""training": {"seed": -1}"#))
        #expect(e8 == .wrongType(path: "training.seed", expected: "a non-negative integer", got: "integer -1"))
        #expect(e1?.description.contains("training.batch_size: expected an integer, got string \"big\"") == true)
    }

    @Test func missingRequiredKeys() {
        #expect(Self.jsonError("{}") == .missingKey(path: "observables", expected: "an array of observable objects"))
        #expect(Self.jsonError(#"{"observables": [{"interval": [0, 1]}]}"#)
            == .missingKey(path: "observables[0].name", expected: "a string"))
        let e = Self.jsonError(Self.minimal(extra: #""parameters": {"names": ["a", "b"]}"#))
        guard case let .missingKey(path, _) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(path == "parameters.reference")
    }

    @Test func impossibleValuesAreRejected() {
        func invalidPath(_ text: String) -> String? {
            if case let .invalidValue(path, _, _) = Self.jsonError(text) { return path }
            return nil
        }
        #expect(invalidPath(Self.minimal(extra: #""network": {"n_gaussians": 0}"#)) == "network.n_gaussians")
        #expect(invalidPath(Self.minimal(extra: #""network": {"d": 0}"#)) == "network.d")
        #expect(invalidPath(Self.minimal(extra: #""network": {"f_sigma": 0}"#)) == "network.f_sigma")
        #expect(invalidPath(Self.minimal(extra: #""network": {"categorical_hidden": [300, 0]}"#))
            == "network.categorical_hidden[1]")
        #expect(invalidPath(Self.minimal(extra: #""network": {"a1": 0}"#)) == "network.a1")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "x", "interval": [1, 1]}"#)) == "observables[0].interval")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "x", "interval": ["inf", 1]}"#)) == "observables[0].interval")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "x", "interval": [0, 1], "projection_f": 1.5}"#))
            == "observables[0].projection_f")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "x", "interval": [0, 1, 2]}"#)) == "observables[0].interval")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "x", "kind": "real", "interval": [0, 1]}"#))
            == "observables[0].kind")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "n", "kind": "integer", "interval": [0, 2.5]}"#))
            == "observables[0].interval")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "n", "kind": "integer", "interval": [0, "inf"]}"#))
            == "observables[0].interval")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "n", "kind": "integer", "interval": [0, 3], "projection_f": 0.5}"#))
            == "observables[0].projection_f")
        #expect(invalidPath(Self.minimal(observable: #"{"name": "", "interval": [0, 1]}"#)) == "observables[0].name")
        #expect(invalidPath(#"{"observables": []}"#) == "observables")
        #expect(invalidPath(Self.minimal(extra: #""training": {"learning_rate": 0}"#)) == "training.learning_rate")
        #expect(invalidPath(Self.minimal(extra: #""training": {"validation_fraction": 1}"#)) == "training.validation_fraction")
        #expect(invalidPath(Self.minimal(extra: #""training": {"lr_update_factor": 1.5}"#)) == "training.lr_update_factor")
        #expect(invalidPath(Self.minimal(extra: #""training": {"batch_size": 0}"#)) == "training.batch_size")
        #expect(invalidPath(Self.minimal(extra: #""training": {"lr_monitor": "val_loss"}"#)) == "training.lr_monitor")
        #expect(invalidPath(Self.minimal(extra: #""latent": {"alpha": -1}"#)) == "latent.alpha")
        #expect(invalidPath(Self.minimal(extra: #""latent": {"interval": [-5, "inf"]}"#)) == "latent.interval")
        #expect(invalidPath(Self.minimal(extra: #""parameters": {"names": ["a"], "reference": [0, 1]}"#))
            == "parameters.reference")
        #expect(invalidPath(Self.minimal(extra: #""parameters": {"reference": [0]}"#)) == "parameters.reference")
    }

    @Test func invalidValueDescriptionsSayWhatWasExpected() {
        let e = Self.jsonError(Self.minimal(extra: #""network": {"n_gaussians": 0}"#))
        #expect(e?.description == "network.n_gaussians: invalid value 0; expected an integer >= 1. Change the value accordingly.")
        let r = Self.jsonError(Self.minimal(extra: #""parameters": {"names": ["a", "b"], "reference": [0]}"#))
        #expect(r?.description.contains("expected 2 values (one per entry of parameters.names)") == true)
    }

    @Test func duplicateNamesAreRejected() {
        let observables = #"{"name": "x", "interval": [0, 1]}, {"name": "y", "interval": [0, 1]}, {"name": "x", "interval": [0, 2]}"#
        #expect(Self.jsonError(Self.minimal(observable: observables))
            == .duplicateName(path: "observables[2].name", name: "x", firstPath: "observables[0].name"))
        #expect(Self.jsonError(Self.minimal(extra: #""parameters": {"names": ["a", "a"], "reference": [0, 0]}"#))
            == .duplicateName(path: "parameters.names[1]", name: "a", firstPath: "parameters.names[0]"))
    }

    @Test func syntaxErrorsAreReportedAsSuch() {
        guard case .syntax(format: "JSON", _) = Self.jsonError(#"{"observables": ["#) else {
            Issue.record("expected a JSON syntax error"); return
        }
        do {
            _ = try ModelConfig.fromYAML("observables: [\n  - {")
            Issue.record("expected an error")
        } catch {
            guard case .syntax(format: "YAML", _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func yamlWrongTypeAndInvalidValue() {
        do {
            _ = try ModelConfig.fromYAML("observables:\n  - {name: x, interval: [0, 1]}\nnetwork: {n_gaussians: many}\n")
            Issue.record("expected an error")
        } catch {
            #expect(error == .wrongType(path: "network.n_gaussians", expected: "an integer", got: "string \"many\""))
        }
        do {
            _ = try ModelConfig.fromYAML("observables:\n  - {name: x, interval: [0, 1]}\ntraining: {validation_fraction: 0}\n")
            Issue.record("expected an error")
        } catch {
            guard case .invalidValue(path: "training.validation_fraction", _, _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func programmaticValidation() {
        var config = ModelConfig(observables: [ObservableConfig(name: "x", interval: .init(lower: 0, upper: 1))])
        #expect(throws: Never.self) { try config.validate() }
        config.training.learningRate = -1
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(throws: ConfigError.self) { try config.jsonData() }
    }
}
