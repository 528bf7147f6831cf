import Testing
@testable import GMMCompute

/// MatrixView addressing: a strided view and its slices copied into dense buffers must hold
/// exactly the elements `offset + b·batchStride + r·rowStride + c` of the source.
@Suite struct MatrixViewTests {
    /// A buffer whose element i holds the value i, and a [3, 5, 7] view in it with padded rows
    /// (stride 9), padded matrices (stride 50) and an offset of 4.
    static func source(on device: Device) throws -> MatrixView {
        let buffer = try device.makeBuffer((0..<160).map(Float.init))
        return MatrixView(buffer, offset: 4, rows: 5, cols: 7, rowStride: 9, batch: 3, batchStride: 50)
    }

    /// The indices a view addresses, in (batch, row, column) order, from its definition.
    static func addressed(_ v: MatrixView) -> [Float] {
        var out: [Float] = []
        for b in 0..<v.batch { for r in 0..<v.rows { for c in 0..<v.cols { out.append(Float(v.offset + b * v.batchStride + r * v.rowStride + c)) } } }
        return out
    }

    /// Copies `view` on the device into a dense buffer and reads it back.
    static func dense(_ view: MatrixView, on device: Device) throws -> [Float] {
        let target = try device.zeros(batch: view.batch, rows: view.rows, cols: view.cols)
        try device.copy(view, into: target)
        return try device.read(target.buffer)
    }

    static func checkSlices(on device: Device) throws {
        let v = try source(on: device)
        #expect(v.elementCount == 105 && !v.isContiguous && v.lastIndex == 4 + 2 * 50 + 4 * 9 + 6)
        // Expected values written out by hand for one slice of each kind.
        #expect(try dense(v.rows(3..<5).batches(2..<3), on: device) == (131...137).map(Float.init) + (140...146).map(Float.init))
        #expect(try dense(v.columns(5..<7).rows(0..<2).batches(0..<1), on: device) == [9, 10, 18, 19])
        let slices: [(String, MatrixView)] = [
            ("rows 1..<4", v.rows(1..<4)),
            ("columns 2..<6", v.columns(2..<6)),
            ("batches 1..<3", v.batches(1..<3)),
            ("batch 2, rows 4..<5, columns 6..<7", v.batches(2..<3).rows(4..<5).columns(6..<7)),
            ("columns then rows then batches", v.columns(1..<4).rows(2..<5).batches(0..<2)),
            ("empty rows", v.rows(2..<2)),
        ]
        for (name, slice) in slices {
            #expect(try dense(slice, on: device) == addressed(slice), "\(name)")
        }
        let vector = MatrixView.vector(v.buffer, offset: 11, count: 6)
        #expect(try dense(vector, on: device) == (11..<17).map(Float.init))
        #expect(MatrixView(v.buffer, rows: 4, cols: 5, batch: 2).isContiguous)
    }

    @Test func slicesAddressTheRightElementsOnCPU() throws {
        try Self.checkSlices(on: TestDevices.cpu())
    }

    @Test(.openCL) func slicesAddressTheRightElementsOnOpenCL() throws {
        try Self.checkSlices(on: TestDevices.openCL())
    }

    @Test func sharedMatrixHasBatchStrideZero() throws {
        let device = try TestDevices.cpu()
        let buffer = try device.makeBuffer((0..<6).map(Float.init))
        let shared = MatrixView(buffer, rows: 2, cols: 3, batch: 4, batchStride: 0)
        #expect(shared.lastIndex == 5)
        #expect(try Self.dense(shared, on: device) == Array(repeating: (0..<6).map(Float.init), count: 4).flatMap { $0 })
    }
}
