#if canImport(Glibc)
import Glibc
#endif

/// A compute device: float32 buffers and the batched operations the density model needs.
///
/// Two implementations exist: ``CPUDevice`` (OpenBLAS for matrix products, Swift loops on all
/// cores elsewhere) and ``OpenCLDevice`` (CLBlast for matrix products, the kernels in
/// `Kernels/` elsewhere). The model and trainer are written against this protocol only.
///
/// Operations are batched over the d stacked per-observable networks: every operand is a
/// ``MatrixView`` of `batch` matrices. Operations are enqueued in order; results are visible
/// to later operations at once and to the host after ``read(_:)`` (which waits).
/// Shape mismatches are programming errors (`precondition`), not thrown errors.
public protocol Device: AnyObject {
    /// The selector name this device answers to (`cpu`, `gpu0`, `opencl:cpu`, …).
    var name: String { get }
    /// A human-readable description (hardware, driver, BLAS kernels in use).
    var summary: String { get }
    /// Events per evaluation pass that run fastest here: small enough for the activations to
    /// stay in the caches of a CPU, large enough to fill a GPU.
    var preferredEvaluationRows: Int { get }
    /// The fewest rows per block, on average, for which a pass whose rows come in blocks with
    /// one θ each (a training batch or a logprob chunk sorted by θ point) does its θ-only work
    /// once per block: each block costs a few small operations, cheap calls on a CPU but
    /// kernel launches on a GPU.
    var minimumThetaBlockRows: Int { get }

    // MARK: Memory

    /// A zero-filled buffer of `count` float32 elements.
    func makeBuffer(count: Int) throws -> DeviceBuffer
    /// A buffer holding `values`.
    func makeBuffer(_ values: [Float]) throws -> DeviceBuffer
    /// The whole buffer's contents, after all enqueued work finished.
    func read(_ buffer: DeviceBuffer) throws -> [Float]
    /// Writes `values` into `buffer` starting at element `offset`.
    func write(_ values: [Float], into buffer: DeviceBuffer, offset: Int) throws
    /// Waits until all enqueued work has finished.
    func synchronize() throws

    // MARK: Dense layers

    /// Variable-size batched matrix product: like ``gemm(transposeA:transposeB:alpha:a:b:beta:c:)``
    /// but item i multiplies only the leading `sizes[i]` blocks (op(a) [m_i, k_i], op(b)
    /// [k_i, n_i], c [m_i, n_i]) of the padded operands. Elements of `a` and `b` outside the
    /// active blocks must be zero; elements of `c` outside them are either left alone or set to
    /// the product of the zero padding (a device may run the padded product when that is faster).
    func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
              beta: Float, c: MatrixView, sizes: [GemmSize]) throws
    /// Batched matrix product `c = alpha * op(a) * op(b) + beta * c`, where op transposes when
    /// asked: op(a) is [m, k], op(b) is [k, n] and c is [m, n] in each of the `c.batch` matrices.
    /// `a` or `b` may be shared across the batch (`batchStride` 0).
    func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
              beta: Float, c: MatrixView) throws
    /// In place `y[b, r, c] = act(y[b, r, c] + bias[b, 0, c])`: the bias and activation of a dense
    /// layer. `bias` is [batch, 1, cols].
    func addBias(_ y: MatrixView, bias: MatrixView, activation: Activation) throws
    /// A dense layer's forward pass on the active blocks: for item b of the batch and each row
    /// r < `sizes[b].m`, `y[b, r, 0..<n] = act(x[b, r, 0..<k] · w[b, 0..<k, 0..<n] + bias[b, j, 0..<n])`,
    /// where j is the block of rows holding r: block j covers rows `biasRowBounds[j] ..<
    /// biasRowBounds[j + 1]` (nil: one block, j = 0). `x` is [batch, rows, ≥ k], `w`
    /// [batch, ≥ k, cols], `bias` [batch, blocks, cols] and `y` [batch, rows, cols]; `x` or `w`
    /// may be shared across the batch. Elements of `y` outside the active blocks are left alone
    /// or set as ``gemm(transposeA:transposeB:alpha:a:b:beta:c:sizes:)`` followed by
    /// ``addBias(_:bias:activation:)`` sets them. ``denseByComposition(_:weights:bias:activation:into:sizes:biasRowBounds:)``
    /// is that composition, and the default.
    func dense(_ x: MatrixView, weights w: MatrixView, bias: MatrixView, activation: Activation, into y: MatrixView,
               sizes: [GemmSize], biasRowBounds: [Int]?) throws
    /// In place `gradient *= act'(…)`, using the activation's `output` (for LeakyReLU with a
    /// positive slope the output has the sign of the input).
    func activationBackward(gradient: MatrixView, output: MatrixView, activation: Activation) throws
    /// `out[b, 0, c] = beta * out[b, 0, c] + Σ_r x[b, r, c]`: a dense layer's bias gradient.
    func columnSums(_ x: MatrixView, into out: MatrixView, beta: Float) throws

    // MARK: Softmax

    /// Row-wise softmax (or log-softmax when `log`) of `x` into `y` (same shape; may alias).
    func softmax(_ x: MatrixView, into y: MatrixView, log: Bool) throws
    /// The input gradient of ``softmax(_:into:log:)`` from its output `y` and output gradient
    /// `dy`: `dx = y ⊙ (dy − Σ dy ⊙ y)` (softmax) or `dx = dy − exp(y) Σ dy` (log-softmax).
    func softmaxBackward(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView, log: Bool) throws

    // MARK: Mixture parameters

    /// The paper's output transform of a mixture network (Figure 3): from the raw outputs of the
    /// three channels, `raw = [a_f | a_μ | a_σ]` ([batch, N, 3G]), writes
    /// `logits = s_f a_f`, `μ_g = m_g + s_μ a_μ,g` and `σ_g = ε + σ₀ exp(s_σ a_σ,g)` into `into`
    /// (each [batch, N, G]); `m` is ``MixtureHead/meanOffsets`` ([batch, 1, G]) and `σ₀`
    /// ``MixtureHead/baseWidths`` ([batch, 1, 1]).
    func mixtureHead(_ raw: MatrixView, head: MixtureHead, into mixture: MixtureViews) throws
    /// The backward pass of ``mixtureHead(_:head:into:)``: from the gradients with respect to
    /// logits, μ and σ (`gradient`) and the forward output σ (`widths`), writes ∂/∂raw.
    func mixtureHeadBackward(gradient: MixtureViews, widths: MatrixView, head: MixtureHead, into rawGradient: MatrixView) throws

    // MARK: Likelihoods

    /// Per-row log-likelihood of a Gaussian mixture,
    /// `logProb = log Σ_g softmax(logits)_g N(u; μ_g, σ_g) / Z_g`, by log-sum-exp, where
    /// `Z_g = Φ((hi − μ_g)/σ_g) − Φ((lo − μ_g)/σ_g)` truncates each Gaussian to the interval
    /// `bounds[b] = (lo, hi)`, or `Z_g = 1` when `bounds` is nil.
    ///
    /// - Parameters:
    ///   - mixture: logits, means and widths (σ > 0), each [batch, N, G].
    ///   - values: u, [batch, N, 1].
    ///   - bounds: [batch, 1, 2] as (lo, hi), or nil for the untruncated mixture.
    ///   - logProb: output, [batch, N, 1].
    ///   - gradient: when given, writes `scale · w_r · ∂logProb_r/∂(logits, μ, σ)` into the
    ///     views of `gradient.0` (each [batch, N, G]); `w_r` from `gradient.1`.
    func mixtureLogLikelihood(_ mixture: MixtureViews, values: MatrixView, bounds: MatrixView?,
                              logProb: MatrixView, gradient: (MixtureViews, LossWeights)?) throws
    /// Per-row categorical log-likelihood `log softmax(logits)[class]`; `classes` holds the
    /// category indices 0..<K as floats, [batch, N, 1]; `logits` is [batch, N, K]. With a
    /// gradient request, writes `scale · w_r · ∂logProb_r/∂logits` into `gradient.0`.
    func categoricalLogLikelihood(logits: MatrixView, classes: MatrixView, logProb: MatrixView,
                                  gradient: (MatrixView, LossWeights)?) throws

    // MARK: Reductions and updates

    /// `out[index] = (accumulate ? out[index] : 0) + Σ x · w` over every element of `x`
    /// (`w` = 1 when `weights` is nil; `weights` has the shape of `x`).
    func sum(_ x: MatrixView, weights: MatrixView?, into out: DeviceBuffer, index: Int, accumulate: Bool) throws
    /// One Adam step over whole buffers of equal size (parameters, gradients, moments).
    func adamUpdate(parameters: DeviceBuffer, gradients: DeviceBuffer, firstMoment: DeviceBuffer,
                    secondMoment: DeviceBuffer, hyperparameters: AdamHyperparameters) throws

    // MARK: Elementwise

    /// Sets every element of `x` to `value`.
    func fill(_ x: MatrixView, value: Float) throws
    /// Copies `x` into `y` (same shape).
    func copy(_ x: MatrixView, into y: MatrixView) throws
    /// `y = alpha * x + beta * y` (same shape).
    func axpby(alpha: Float, x: MatrixView, beta: Float, y: MatrixView) throws
    /// `y *= mask` elementwise; `mask` has y's shape or is shared across the batch.
    func multiply(_ y: MatrixView, by mask: MatrixView) throws
    /// `y[b, r, c] = x[b, r, c] * scale[c] + shift[c]`; `scale` and `shift` are [1, 1, cols].
    func affineColumns(_ x: MatrixView, into y: MatrixView, scale: MatrixView, shift: MatrixView) throws

    // MARK: Sampling

    /// Draws one value per row from the (truncated) mixture: picks component g with
    /// probability softmax(logits)_g using `uniforms[.., 0]`, then inverts the (truncated)
    /// Gaussian's CDF at `uniforms[.., 1]`. `uniforms` is [batch, N, 2] in (0, 1); `out` [batch, N, 1].
    func sampleMixture(_ mixture: MixtureViews, bounds: MatrixView?, uniforms: MatrixView, into out: MatrixView) throws
    /// Draws a category index per row from softmax(logits) using `uniforms` [batch, N, 1];
    /// writes it as a float into `out` [batch, N, 1].
    func sampleCategorical(logits: MatrixView, uniforms: MatrixView, into out: MatrixView) throws
}

extension Device {
    public func dense(_ x: MatrixView, weights w: MatrixView, bias: MatrixView, activation: Activation, into y: MatrixView,
                      sizes: [GemmSize], biasRowBounds: [Int]?) throws {
        try denseByComposition(x, weights: w, bias: bias, activation: activation, into: y, sizes: sizes, biasRowBounds: biasRowBounds)
    }

    /// ``dense(_:weights:bias:activation:into:sizes:biasRowBounds:)`` as a variable-size batched
    /// product followed by the bias and activation of each block of rows.
    public func denseByComposition(_ x: MatrixView, weights w: MatrixView, bias: MatrixView, activation: Activation, into y: MatrixView,
                                   sizes: [GemmSize], biasRowBounds: [Int]?) throws {
        ShapeCheck.dense(y, bias: bias, biasRowBounds: biasRowBounds)
        try gemm(transposeA: false, transposeB: false, alpha: 1, a: x, b: w, beta: 0, c: y, sizes: sizes)
        guard let bounds = biasRowBounds else {
            return try addBias(y, bias: bias, activation: activation)
        }
        for j in 0..<(bounds.count - 1) {
            try addBias(y.rows(bounds[j]..<bounds[j + 1]), bias: bias.rows(j..<(j + 1)), activation: activation)
        }
    }
}

/// The active block of one item of a variable-size batched product: op(a) is [m, k], op(b) [k, n].
public struct GemmSize: Equatable, Sendable {
    /// Rows of op(a) and c.
    public var m: Int
    /// Columns of op(b) and c.
    public var n: Int
    /// The inner dimension.
    public var k: Int

    /// An active block.
    public init(m: Int, n: Int, k: Int) {
        self.m = m
        self.n = n
        self.k = k
    }

    /// Multiply-adds ×2: the useful floating-point operations of the block.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// The activation function following a dense layer.
public enum Activation: Equatable, Sendable {
    /// No activation (a linear layer).
    case identity
    /// LeakyReLU with the given negative slope (0.2 in the paper, Eq. 6).
    case leakyReLU(slope: Float)

    /// The kernel argument: the slope applied to negative values (1 for identity).
    public var negativeSlope: Float {
        switch self {
        case .identity: return 1
        case let .leakyReLU(slope): return slope
        }
    }
}

/// The three parameter arrays of a batch of Gaussian mixtures, each [batch, N, G].
public struct MixtureViews {
    /// Unnormalised log-amplitudes; amplitudes are their softmax.
    public var logits: MatrixView
    /// Component means μ.
    public var means: MatrixView
    /// Component widths σ (> 0).
    public var widths: MatrixView

    /// Groups three views of equal shape.
    public init(logits: MatrixView, means: MatrixView, widths: MatrixView) {
        precondition(
            logits.rows == means.rows && logits.rows == widths.rows && logits.cols == means.cols
                && logits.cols == widths.cols && logits.batch == means.batch && logits.batch == widths.batch,
            "MixtureViews: logits, means and widths must have the same shape")
        self.logits = logits
        self.means = means
        self.widths = widths
    }
}

/// The constants of the mixture output transform (see ``Device/mixtureHead(_:head:into:)``).
public struct MixtureHead {
    /// s_f: scale of the amplitude logits.
    public var amplitudeScale: Float
    /// s_μ: scale of the mean offsets.
    public var meanScale: Float
    /// s_σ: scale of the log-width offsets.
    public var widthScale: Float
    /// ε added to every width.
    public var epsilon: Float
    /// m_g: the initial means (linearly spaced over the latent interval), [batch, 1, G].
    public var meanOffsets: MatrixView
    /// σ₀: the initial width (f_σ units of interval/G), [batch, 1, 1].
    public var baseWidths: MatrixView

    /// Groups the transform's constants.
    public init(amplitudeScale: Float, meanScale: Float, widthScale: Float, epsilon: Float,
                meanOffsets: MatrixView, baseWidths: MatrixView) {
        self.amplitudeScale = amplitudeScale
        self.meanScale = meanScale
        self.widthScale = widthScale
        self.epsilon = epsilon
        self.meanOffsets = meanOffsets
        self.baseWidths = baseWidths
    }
}

/// How a per-row log-likelihood enters the loss: `∂loss/∂logProb_r = scale · w_r`.
public struct LossWeights {
    /// Per-row weights w_r, [batch, N, 1] (batchStride 0 shares them), or nil for w_r = 1.
    public var weights: MatrixView?
    /// A common factor, e.g. −1/Σw for the mean negative log-likelihood.
    public var scale: Float

    /// Weights and a common factor.
    public init(weights: MatrixView?, scale: Float) {
        self.weights = weights
        self.scale = scale
    }
}

/// The constants of one Adam step (Kingma & Ba).
public struct AdamHyperparameters: Sendable {
    /// Step size λ.
    public var learningRate: Float
    /// Decay of the first moment (0.9).
    public var beta1: Float
    /// Decay of the second moment (0.999).
    public var beta2: Float
    /// Denominator guard (1e-7 as in Keras, which the paper used).
    public var epsilon: Float
    /// The 1-based step number, for bias correction.
    public var step: Int

    /// Adam constants; defaults are Keras's.
    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7, step: Int) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.step = step
    }

    /// 1 / (1 − β1^t).
    public var firstCorrection: Float { Float(1 / (1 - pow(Double(beta1), Double(step)))) }
    /// 1 / (1 − β2^t).
    public var secondCorrection: Float { Float(1 / (1 - pow(Double(beta2), Double(step)))) }
}
