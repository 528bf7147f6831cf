import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// The HDF5 C library, loaded at run time (dlopen) the first time an HDF5 file is read or
/// written, so that gmm-gpu runs without it (Debian: `apt-get install libhdf5-dev`).
enum HDF5Library {
    /// The entry points, loading the library on first use. Call it, and HDF5, inside
    /// ``serialized(_:)``.
    /// - Throws: `DataTableError.hdf5Unavailable` when it cannot be loaded.
    static func api() throws -> GMMHDF5 {
        var message = [CChar](repeating: 0, count: 1024)
        guard gmm_hdf5_load(&message, message.count) == 0, let api = gmm_hdf5() else {
            throw DataTableError.hdf5Unavailable(reason: String(cString: message))
        }
        return api.pointee
    }

    /// Runs `body`, which calls HDF5, holding the process-wide HDF5 lock: Debian's HDF5 is a
    /// serial build, which two threads (parallel reads, or tests run in parallel) must not
    /// enter at once. Every handle `body` opens must be closed before it returns.
    static func serialized<T>(_ body: () throws -> T) rethrows -> T {
        gmm_hdf5_lock()
        defer { gmm_hdf5_unlock() }
        return try body()
    }

    /// Whether the HDF5 library can be loaded on this machine.
    static var isAvailable: Bool { serialized { (try? api()) != nil } }

    // HDF5 constants (H5Ipublic.h, H5Tpublic.h, H5Fpublic.h): stable across 1.10–1.14.
    static let defaultProperties: gmm_hid_t = 0  // H5P_DEFAULT
    static let all: gmm_hid_t = 0  // H5S_ALL
    static let readOnly: UInt32 = 0  // H5F_ACC_RDONLY
    static let truncate: UInt32 = 2  // H5F_ACC_TRUNC
    static let groupType: Int32 = 2  // H5I_GROUP
    static let datasetType: Int32 = 5  // H5I_DATASET
    static let integerClass: Int32 = 0  // H5T_INTEGER
    static let floatClass: Int32 = 1  // H5T_FLOAT
    static let compoundClass: Int32 = 6  // H5T_COMPOUND
}

/// Closes an HDF5 identifier when it goes out of use. Swift may release an object right after
/// its last use, so every handle is kept to the end of its scope (`withExtendedLifetime`).
final class HDF5Handle {
    let id: gmm_hid_t
    private let close: (gmm_hid_t) -> Void

    /// Takes ownership of `id`, released with `close`.
    init(_ id: gmm_hid_t, close: @escaping (gmm_hid_t) -> Void) {
        self.id = id
        self.close = close
    }

    deinit { close(id) }
}
