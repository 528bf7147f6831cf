#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import FoundationEssentials

/// Writes `bytes` to `path` atomically: readers see either the old file or the complete new
/// one, never a half-written file.
///
/// The bytes go to a temporary file in the same directory (`.<name>.tmp.XXXXXX`), which is
/// flushed to disk with `fsync` and then renamed over `path` with `rename(2)`. On any failure
/// the temporary file is removed and `path` is left as it was. The new file has mode 0644.
///
/// The writer holds a shared `flock(2)` on its temporary file while it writes; a
/// temporary file of `path` that no process holds (its writer was killed) is removed by the
/// next write to `path` (``removeStaleTemporaryFiles(of:)``).
///
/// - Throws: `FileIOError` naming the failed operation.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    try writeFileAtomically(to: path) { writer in
        try bytes.withUnsafeBytes { try writer.write($0) }
    }
}

/// Writes `data` to `path` atomically; see `writeFileAtomically(_:to:)` for `[UInt8]`.
///
/// - Throws: `FileIOError` naming the failed operation.
public func writeFileAtomically(_ data: Data, to path: String) throws {
    try writeFileAtomically(to: path) { writer in
        try data.withUnsafeBytes { try writer.write($0) }
    }
}

/// Writes a file atomically piece by piece: `body` receives a writer for the temporary file,
/// which replaces `path` only after `body` returns without throwing and the data is on disk.
///
/// - Parameters:
///   - path: the destination file.
///   - body: writes the contents with `AtomicFileWriter.write(_:)`.
/// - Throws: `FileIOError`, or whatever `body` throws (the destination is then untouched).
public func writeFileAtomically(to path: String, _ body: (inout AtomicFileWriter) throws -> Void) throws {
    try commitTemporaryFile(try writeTemporaryFile(for: path, body), to: path)
}

/// Writes several files of one directory as a whole: every file is complete on disk before
/// any replaces its destination, so a failure (a full disk) leaves the directory as it was.
/// A directory that does not exist yet is built under a temporary name beside it and renamed
/// into place, so a failure leaves nothing at all.
///
/// - Parameters:
///   - files: file names inside `directory` and their contents.
///   - directory: the output directory (its parent must exist or be creatable).
/// - Throws: `FileIOError` naming the failed operation.
public func writeFilesAtomically(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws {
    var directory = directory
    while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
    var info = stat()
    if stat(directory, &info) == 0 {
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw FileIOError(operation: "write into", path: directory, code: 0, reason: "it exists and is not a directory; give a directory path (or a new one)")
        }
        var written: [(temporary: String, path: String)] = []
        do {
            for (name, bytes) in files {
                let path = "\(directory)/\(name)"
                written.append((try writeTemporaryFile(for: path) { try $0.write(bytes) }, path))
            }
        } catch {
            for file in written { unlink(file.temporary) }
            throw error
        }
        // Renames do not fail for want of space: past this point the set is written.
        for (k, file) in written.enumerated() {
            do {
                try commitTemporaryFile(file.temporary, to: file.path)
            } catch {
                for rest in written[(k + 1)...] { unlink(rest.temporary) }
                throw error
            }
        }
        return
    }
    let (parent, name) = splitPath(directory)
    try makeDirectoryPath(parent)
    var template = Array("\(parent)/.\(name).tmp.XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
        guard let base = buffer.baseAddress else { return false }
        return mkdtemp(base) != nil
    }
    guard created else { throw FileIOError(operation: "create a temporary directory for", path: directory, code: errno) }
    let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    do {
        for (name, bytes) in files { try writeFileAtomically(bytes, to: "\(temporary)/\(name)") }
        guard chmod(temporary, 0o755) == 0 else { throw FileIOError(operation: "set the mode of", path: temporary, code: errno) }
        guard rename(temporary, directory) == 0 else { throw FileIOError(operation: "rename a temporary directory onto", path: directory, code: errno) }
    } catch {
        for (name, _) in files { unlink("\(temporary)/\(name)") }
        rmdir(temporary)
        throw error
    }
    syncDirectory(parent)
}

/// The complete temporary file of an atomic write to `path`, closed and on disk; see
/// ``writeFileAtomically(to:_:)``. The caller renames it with ``commitTemporaryFile(_:to:)``
/// or removes it.
func writeTemporaryFile(for path: String, _ body: (inout AtomicFileWriter) throws -> Void) throws -> String {
    let (directory, name) = splitPath(path)
    try checkReplaceableOutput(path)
    removeStaleTemporaryFiles(of: path)
    var template = Array("\(directory)/.\(name).tmp.XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
        guard let base = buffer.baseAddress else { return -1 }
        return mkstemp(base)
    }
    guard fd >= 0 else {
        throw FileIOError(operation: "create a temporary file for", path: path, code: errno)
    }
    let temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Held until the descriptor is closed: a concurrent cleanup (which needs an exclusive
    // lock) leaves this file alone. Shared, and not inherited by programs started meanwhile
    // (close-on-exec), so that a reader's shared lock on the renamed file (HDF5's) succeeds.
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    _ = flock(fd, LOCK_SH | LOCK_NB)
    var writer = AtomicFileWriter(descriptor: fd, path: temporaryPath)
    do {
        try body(&writer)
        guard fchmod(fd, 0o644) == 0 else { throw FileIOError(operation: "set the mode of", path: temporaryPath, code: errno) }
        guard fsync(fd) == 0 else { throw FileIOError(operation: "flush", path: temporaryPath, code: errno) }
    } catch {
        close(fd)
        unlink(temporaryPath)
        throw error
    }
    guard close(fd) == 0 else {
        let code = errno
        unlink(temporaryPath)
        throw FileIOError(operation: "close", path: temporaryPath, code: code)
    }
    return temporaryPath
}

/// Renames the complete temporary file `temporaryPath` over `path` and makes the rename
/// durable; on failure the temporary file is removed.
func commitTemporaryFile(_ temporaryPath: String, to path: String) throws {
    guard rename(temporaryPath, path) == 0 else {
        let code = errno
        unlink(temporaryPath)
        throw FileIOError(operation: "rename a temporary file onto", path: path, code: code)
    }
    syncDirectory(splitPath(path).directory)
}

/// Makes renames in `directory` durable; a failure leaves complete files, so it is ignored.
private func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if descriptor >= 0 {
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// Checks that an output file may be written at `path`: nothing is there, or a regular file
/// (directly or through a symbolic link). A device node, FIFO, socket or directory would be
/// replaced by the rename of an atomic write (as root, `/dev/null` itself): refused.
///
/// - Throws: `FileIOError` naming the path and what is there.
public func checkReplaceableOutput(_ path: String) throws {
    var info = stat()
    guard stat(path, &info) == 0 else { return }
    let kind: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: kind = "a directory"
    case S_IFIFO: kind = "a FIFO"
    case S_IFSOCK: kind = "a socket"
    case S_IFCHR, S_IFBLK: kind = "a device"
    default: kind = "not a regular file"
    }
    throw FileIOError(operation: "write the output file", path: path, code: 0,
                      reason: "it exists and is \(kind), which a written file would replace; give the path of a regular file (or a new one)")
}

/// Removes the temporary files of `path` (`.<name>.tmp.XXXXXX` in its directory) that a
/// write killed before its rename left behind: those that no process holds locked and that
/// were last modified more than five seconds ago (a writer locks its file right after creating
/// it). Files of other names are never touched; failures are ignored (a stale file stays).
///
/// - Returns: the paths removed.
@discardableResult
public func removeStaleTemporaryFiles(of path: String) -> [String] {
    let (directory, name) = splitPath(path)
    let prefix = ".\(name).tmp."
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var candidates: [String] = []
    while let entry = readdir(stream) {
        let entryName = withUnsafePointer(to: &entry.pointee.d_name) {
            String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
        }
        // mkstemp's six characters after the prefix.
        if entryName.hasPrefix(prefix), entryName.utf8.count == prefix.utf8.count + 6 { candidates.append("\(directory)/\(entryName)") }
    }
    var removed: [String] = []
    let now = Int(time(nil))
    for candidate in candidates {
        var info = stat()
        guard lstat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, now - modificationSeconds(info) > 5 else { continue }
        let fd = open(candidate, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { continue }
        if flock(fd, LOCK_EX | LOCK_NB) == 0, unlink(candidate) == 0 { removed.append(candidate) }
        close(fd)
    }
    return removed
}

/// A file's modification time in whole seconds.
private func modificationSeconds(_ info: stat) -> Int {
    #if canImport(Darwin)
    Int(info.st_mtimespec.tv_sec)
    #else
    Int(info.st_mtim.tv_sec)
    #endif
}

/// The writer handed to the body of `writeFileAtomically(to:_:)`.
public struct AtomicFileWriter {
    private let descriptor: Int32
    /// The temporary file's path (for libraries that write a file by name, such as HDF5).
    let path: String

    fileprivate init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Appends `bytes` to the temporary file, retrying partial writes.
    /// - Throws: `FileIOError` when the system refuses the write (e.g. the disk is full).
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(descriptor, base + offset, min(bytes.count - offset, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(operation: "write", path: path, code: errno)
            }
            offset += n
        }
    }

    /// Appends `bytes` to the temporary file.
    public mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// The C library's `write(2)` (the writer's method shadows the name).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Splits "dir/name" into ("dir", "name"); a bare name lives in ".".
private func splitPath(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
}
