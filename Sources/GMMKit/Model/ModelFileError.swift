/// A model directory that cannot be read: each description names the file and what was wrong.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The file is not a gmm-gpu model description.
    case notAModel(path: String, detail: String)
    /// The format version is newer than this program reads.
    case unsupportedVersion(path: String, version: Int, supported: Int)
    /// A tensor the model needs is missing from the weights file.
    case missingTensor(path: String, name: String)
    /// A tensor has the wrong shape.
    case tensorShape(path: String, name: String, expected: [Int], got: [Int])
    /// The weights file holds a tensor the model does not have.
    case unexpectedTensor(path: String, name: String)
    /// The description's parts disagree (e.g. projections for the wrong observables).
    case inconsistent(path: String, detail: String)
    /// The directory holds an ensemble where one model was expected.
    case ensemble(path: String, members: Int)

    public var description: String {
        switch self {
        case let .notAModel(path, detail): return "\(path): not a gmm-gpu model description (\(detail))."
        case let .unsupportedVersion(path, version, supported):
            return "\(path): format version \(version) is newer than this gmm-gpu reads (\(supported)); upgrade gmm-gpu."
        case let .missingTensor(path, name): return "\(path): tensor '\(name)' is missing."
        case let .tensorShape(path, name, expected, got): return "\(path): tensor '\(name)' has shape \(got), expected \(expected)."
        case let .unexpectedTensor(path, name): return "\(path): tensor '\(name)' does not belong to this model."
        case let .inconsistent(path, detail): return "\(path): \(detail)."
        case let .ensemble(path, members):
            return "\(path) is an ensemble of \(members) models and this reads one model: give one member, \(path)/members/0 … \(path)/members/\(members - 1)."
        }
    }
}
