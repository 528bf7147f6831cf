/// A strided view of a batch of row-major float32 matrices inside a ``DeviceBuffer``:
/// element (b, r, c) lives at `offset + b * batchStride + r * rowStride + c`.
///
/// All of the ``Device`` operations take views, so that the d stacked per-observable
/// networks (`batch` = d), column slices (concatenated layer outputs, one column of an
/// [N, D] data matrix) and shared operands (`batchStride` 0) need no copies.
public struct MatrixView {
    /// The buffer holding the elements.
    public var buffer: DeviceBuffer
    /// The index of element (0, 0, 0).
    public var offset: Int
    /// Rows of each matrix.
    public var rows: Int
    /// Columns of each matrix.
    public var cols: Int
    /// Distance between consecutive rows (the leading dimension); at least `cols`.
    public var rowStride: Int
    /// Number of matrices.
    public var batch: Int
    /// Distance between consecutive matrices (0 shares one matrix across the batch).
    public var batchStride: Int

    /// A view of `batch` matrices of shape [rows, cols].
    ///
    /// A `rowStride` of 0 repeats one row `rows` times (a broadcast view, only to be read). Defaults describe a dense [batch, rows, cols] array starting at `offset`.
    public init(
        _ buffer: DeviceBuffer, offset: Int = 0, rows: Int, cols: Int, rowStride: Int? = nil,
        batch: Int = 1, batchStride: Int? = nil
    ) {
        let ld = rowStride ?? cols
        self.buffer = buffer
        self.offset = offset
        self.rows = rows
        self.cols = cols
        self.rowStride = ld
        self.batch = batch
        self.batchStride = batchStride ?? rows * ld
        precondition(rows >= 0 && cols >= 0 && batch >= 1, "MatrixView: negative shape")
        // rowStride 0 repeats one row: a broadcast view, for reading only.
        precondition(ld >= cols || rows <= 1 || ld == 0, "MatrixView: rowStride \(ld) < cols \(cols)")
        precondition(offset >= 0 && lastIndex < buffer.count,
                     "MatrixView: [\(batch), \(rows), \(cols)] at offset \(offset) exceeds buffer of \(buffer.count)")
    }

    /// The largest element index the view touches (or `offset - 1` when empty).
    public var lastIndex: Int {
        if rows == 0 || cols == 0 { return offset - 1 }
        return offset + (batch - 1) * batchStride + (rows - 1) * rowStride + cols - 1
    }

    /// Number of elements in the view: batch × rows × cols.
    public var elementCount: Int { batch * rows * cols }

    /// Whether the view covers `batch * rows * cols` consecutive elements.
    public var isContiguous: Bool {
        (rowStride == cols || rows <= 1) && (batchStride == rows * cols || batch == 1)
    }

    /// A dense vector view of `count` elements.
    public static func vector(_ buffer: DeviceBuffer, offset: Int = 0, count: Int) -> MatrixView {
        MatrixView(buffer, offset: offset, rows: 1, cols: count)
    }

    /// The matrices `range` of the batch.
    public func batches(_ range: Range<Int>) -> MatrixView {
        MatrixView(buffer, offset: offset + range.lowerBound * batchStride, rows: rows, cols: cols,
                   rowStride: rowStride, batch: range.count, batchStride: batchStride)
    }

    /// The rows `range` of every matrix.
    public func rows(_ range: Range<Int>) -> MatrixView {
        MatrixView(buffer, offset: offset + range.lowerBound * rowStride, rows: range.count, cols: cols,
                   rowStride: rowStride, batch: batch, batchStride: batchStride)
    }

    /// The columns `range` of every matrix.
    public func columns(_ range: Range<Int>) -> MatrixView {
        MatrixView(buffer, offset: offset + range.lowerBound, rows: rows, cols: range.count,
                   rowStride: rowStride, batch: batch, batchStride: batchStride)
    }
}
