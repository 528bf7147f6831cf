import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Splits `0..<count` into contiguous chunks run on all cores; small counts run inline.
///
/// `minimumPerChunk` keeps tiny loops single-threaded, where the hand-off would cost more
/// than the work.
@inline(__always)
public func parallelFor(_ count: Int, minimumPerChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
    let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let chunks = min(cores, count / max(1, minimumPerChunk))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        body(start..<end)
    }
}

/// Runs `body(i)` for every i in `0..<count` on all cores, handing out indices as cores come
/// free, for tasks of unequal cost; a single task runs inline.
@inline(__always)
public func parallelTasks(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 {
        if count == 1 { body(0) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}
