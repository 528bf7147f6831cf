/// One file of events and how to read it: the file, optionally a dataset inside it (an HDF5
/// dataset or group, an `.npz` member), and the θ values fixed for the whole file ("this file
/// was generated at θ = …").
///
/// Written on the command line as `FILE[#DATASET][@NAME=VALUE,NAME=VALUE,…]`, e.g.
/// `run3.h5#/events@cx=0.2,cy=-0.5` or `sm.npz@cx=0,cy=0`.
public struct EventSource: Sendable, Equatable, CustomStringConvertible {
    /// The file (`.npy`, `.npz`, `.csv`, `.h5`/`.hdf5`).
    public var path: String
    /// The HDF5 dataset or group path, or `.npz` member; nil for the whole file.
    public var dataset: String?
    /// θ values that hold for every event of the file, by parameter name; the other parameters
    /// come from columns of the file.
    public var fixedTheta: [String: Double]

    /// A source; see the type's documentation.
    public init(path: String, dataset: String? = nil, fixedTheta: [String: Double] = [:]) {
        self.path = path
        self.dataset = dataset
        self.fixedTheta = fixedTheta
    }

    /// Parses `FILE[#DATASET][@NAME=VALUE,…]`.
    ///
    /// `#DATASET` is recognised after a file name ending in `.npz`, `.h5`, `.hdf5` or `.he5`;
    /// `@…` when what follows the last `@` is a list of `NAME=VALUE` pairs (otherwise the `@` is
    /// part of the file name).
    /// - Throws: ``DataTableError/invalidSource(text:reason:)`` for an empty file name or
    ///   dataset, a value that is not a finite number, or a parameter named twice.
    public init(parsing text: String) throws {
        var file = Substring(text)
        var theta: [String: Double] = [:]
        if let at = text.lastIndex(of: "@"), text[text.index(after: at)...].contains("=") {
            let list = text[text.index(after: at)...]
            file = text[..<at]
            for pair in list.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].trimmingCharacters().isEmpty else {
                    throw DataTableError.invalidSource(text: text, reason: "'\(pair)' is not NAME=VALUE; write the fixed θ as FILE@cx=0.2,cy=-0.5")
                }
                let name = parts[0].trimmingCharacters()
                guard let value = Double(parts[1].trimmingCharacters()), value.isFinite else {
                    throw DataTableError.invalidSource(text: text, reason: "the value of \(name), '\(parts[1])', is not a finite number")
                }
                guard theta[name] == nil else { throw DataTableError.invalidSource(text: text, reason: "\(name) is given twice") }
                theta[name] = value
            }
        }
        var dataset: String?
        let lower = file.lowercased()
        for ext in [".npz#", ".h5#", ".hdf5#", ".he5#"] {
            if let range = lower.range(of: ext) {
                let cut = lower.distance(from: lower.startIndex, to: range.upperBound)
                dataset = String(file.dropFirst(cut))
                file = file.prefix(cut - 1)
                guard !(dataset ?? "").isEmpty else {
                    throw DataTableError.invalidSource(text: text, reason: "nothing after '#'; write FILE#DATASET (e.g. events.h5#/sim/events) or leave out the '#'")
                }
                break
            }
        }
        guard !file.isEmpty else { throw DataTableError.invalidSource(text: text, reason: "no file name") }
        self.init(path: String(file), dataset: dataset, fixedTheta: theta)
    }

    /// `FILE[#DATASET][@NAME=VALUE,…]` (names sorted).
    public var description: String {
        var text = path
        if let dataset { text += "#\(dataset)" }
        if !fixedTheta.isEmpty { text += "@" + fixedTheta.keys.sorted().map { "\($0)=\(fixedTheta[$0]!)" }.joined(separator: ",") }
        return text
    }

    /// The file and dataset for messages.
    var label: String { dataset.map { "\(path)#\($0)" } ?? path }
}
