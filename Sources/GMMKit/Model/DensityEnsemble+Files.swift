import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

extension DensityEnsemble {
    /// File name of the ensemble description inside an ensemble directory.
    public static let descriptionFileName = "ensemble.json"

    /// `ensemble.json`: the members' directories and the SHA-256 of each one's `model.json`
    /// (which itself binds that member's weights).
    struct Description: Codable {
        static let formatName = "gmm-gpu-ensemble"
        static let currentVersion = 1

        var format: String
        var formatVersion: Int
        var bootstrap: Bool
        /// Member directories relative to the ensemble directory, [K].
        var members: [String]
        /// SHA-256 of each member's `model.json`, [K].
        var memberSHA256: [String]

        enum CodingKeys: String, CodingKey {
            case format, bootstrap, members
            case formatVersion = "format_version"
            case memberSHA256 = "member_sha256"
        }

        /// Reads and checks `directory/ensemble.json`.
        static func read(_ directory: String) throws -> Description {
            let path = "\(directory)/\(DensityEnsemble.descriptionFileName)"
            let description: Description
            do {
                description = try JSONDecoder().decode(Description.self, from: Data(try readWholeFile(path)))
            } catch let error as FileIOError {
                throw error
            } catch {
                throw ModelFileError.notAModel(path: path, detail: "\(error)")
            }
            guard description.format == formatName else {
                throw ModelFileError.notAModel(path: path, detail: "format is '\(description.format)', expected '\(formatName)'")
            }
            guard description.formatVersion <= currentVersion else {
                throw ModelFileError.unsupportedVersion(path: path, version: description.formatVersion, supported: currentVersion)
            }
            guard !description.members.isEmpty, description.members.count == description.memberSHA256.count else {
                throw ModelFileError.inconsistent(path: path, detail: "\(description.members.count) members and \(description.memberSHA256.count) digests")
            }
            for member in description.members where member.isEmpty || member.hasPrefix("/") || member.split(separator: "/").contains("..") {
                throw ModelFileError.inconsistent(path: path, detail: "member directory '\(member)' is not a path inside the ensemble directory")
            }
            return description
        }
    }

    /// Writes the ensemble into `directory`: member k as a model directory `members/k`
    /// (``DensityModel/save(to:)``), then `ensemble.json` listing them with the SHA-256 of each
    /// member's `model.json`, written last and atomically: an ensemble whose members were
    /// replaced afterwards is refused by ``load(from:)``.
    public func save(to directory: String) throws {
        try makeDirectoryPath(directory)
        var names: [String] = [], digests: [String] = []
        for (k, member) in members.enumerated() {
            let name = "members/\(k)"
            try member.save(to: "\(directory)/\(name)")
            names.append(name)
            digests.append(SHA256.hexDigest(try readWholeFile("\(directory)/\(name)/\(DensityModel.descriptionFileName)")))
        }
        let description = Description(format: Description.formatName, formatVersion: Description.currentVersion, bootstrap: bootstrap,
                                      members: names, memberSHA256: digests)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(try encoder.encode(description), to: "\(directory)/\(Self.descriptionFileName)")
    }

    /// Whether `directory` holds an ensemble (an `ensemble.json`) rather than one model.
    public static func isEnsemble(_ directory: String) -> Bool {
        access("\(directory)/\(descriptionFileName)", F_OK) == 0
    }

    /// Reads an ensemble directory written by ``save(to:)``, or a plain model directory as an
    /// ensemble of one. Plain parsing: nothing in the files is executed.
    ///
    /// - Throws: ``ModelFileError`` for a description that is not an ensemble, a newer format,
    ///   a member whose `model.json` is not the one the ensemble was written with, or members of
    ///   different descriptions; the errors of ``DensityModel/load(from:)`` for each member.
    public static func load(from directory: String) throws -> DensityEnsemble {
        guard isEnsemble(directory) else { return try DensityEnsemble(members: [try DensityModel.load(from: directory)], bootstrap: false) }
        let description = try Description.read(directory)
        var members: [DensityModel] = []
        for (name, recorded) in zip(description.members, description.memberSHA256) {
            let path = "\(directory)/\(name)"
            let found = SHA256.hexDigest(try readWholeFile("\(path)/\(DensityModel.descriptionFileName)"))
            guard found == recorded else {
                throw ModelFileError.inconsistent(path: "\(path)/\(DensityModel.descriptionFileName)",
                                                  detail: "SHA-256 \(found), but \(descriptionFileName) was written with a member of SHA-256 \(recorded): the member is of another save; train the ensemble again")
            }
            members.append(try DensityModel.load(from: path))
        }
        do {
            return try DensityEnsemble(members: members, bootstrap: description.bootstrap)
        } catch let error as ModelError {
            throw ModelFileError.inconsistent(path: "\(directory)/\(descriptionFileName)", detail: "\(error)")
        }
    }
}
