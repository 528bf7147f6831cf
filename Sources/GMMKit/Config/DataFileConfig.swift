/// One event file named in the config's `data` section: the file, optionally a dataset inside
/// it, and the θ at which it was generated ("this file was simulated at θ = …").
///
/// File keys: `file` (string, required; relative paths are taken from the config file's
/// folder), `dataset` (string: an HDF5 dataset or group, or an `.npz` member), `theta` (an object
/// `{name: value}` over the model's parameters; the parameters not named come from columns).
///
///     data:
///       - {file: sm.h5, dataset: /events, theta: {cx: 0, cy: 0}}
///       - {file: bsm.npz, theta: {cx: 0.8, cy: 0}}
public struct DataFileConfig: Sendable, Equatable, Codable {
    static let keys = ["file", "dataset", "theta"]

    /// The event file, as written in the config.
    public var file: String
    /// The HDF5 dataset or group, or `.npz` member; nil for the whole file.
    public var dataset: String?
    /// θ fixed for every event of the file, by parameter name.
    public var theta: [String: Double]

    /// An entry; see the type's documentation.
    public init(file: String, dataset: String? = nil, theta: [String: Double] = [:]) {
        self.file = file
        self.dataset = dataset
        self.theta = theta
    }

    /// Decodes an entry; structural checks only (names are checked by ``ModelConfig/validate()``).
    public init(from decoder: any Decoder) throws {
        let reader = try ConfigObjectReader(decoder, known: Self.keys)
        self.init(
            file: try reader.required("file", String.self, expected: "a file name"),
            dataset: try reader.optional("dataset", String.self, expected: "a string"),
            theta: try reader.optional("theta", [String: Double].self, expected: "an object {name: number}") ?? [:])
    }

    /// Checks the entry against the model's parameter names; `path` names it in errors.
    func validate(at path: String, parameterNames: [String]) throws(ConfigError) {
        guard !file.isEmpty else { throw .invalidValue(path: "\(path).file", expected: "a file name", got: "an empty string") }
        if let dataset, dataset.isEmpty {
            throw .invalidValue(path: "\(path).dataset", expected: "a dataset name, or no dataset key", got: "an empty string")
        }
        for name in theta.keys.sorted() {
            guard parameterNames.contains(name) else {
                throw .invalidValue(path: "\(path).theta.\(name)", expected: "one of the parameters \(parameterNames)", got: "\"\(name)\"")
            }
            guard let value = theta[name], value.isFinite else {
                throw .invalidValue(path: "\(path).theta.\(name)", expected: "a finite number", got: "\(theta[name] ?? .nan)")
            }
        }
    }

    /// The ``EventSource`` reading this entry, with a relative `file` resolved against `folder`.
    public func source(relativeTo folder: String) -> EventSource {
        let path = file.hasPrefix("/") || folder.isEmpty ? file : "\(folder)/\(file)"
        return EventSource(path: path, dataset: dataset, fixedTheta: theta)
    }
}
