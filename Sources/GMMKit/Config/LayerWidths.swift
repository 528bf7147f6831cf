/// Layer widths of the Figure-3 network for one continuous observable (reading of ERRATA, Section 3).
///
/// Observable i (0-based) with N_θ parameters: θ branch N1 = A1 + A2·N_θ, u branch
/// N2 = B1 + B2·i (0 for i = 0: no preceding observables, no u branch), C intermediate layers of
/// width N1 + N2, then each of the three heads (amplitudes, means, widths) has a hidden layer of
/// D·N_G and an output layer of N_G.
public struct LayerWidths: Sendable, Equatable {
    /// N1, the θ-branch width.
    public var thetaBranch: Int
    /// N2, the u_<i-branch width (0 for the first observable).
    public var latentBranch: Int
    /// C, the number of intermediate layers.
    public var intermediateLayers: Int
    /// D·N_G, the hidden width of each head.
    public var headHidden: Int
    /// N_G, the output width of each head.
    public var headOutput: Int

    /// N1 + N2, the width of the intermediate layers.
    public var hidden: Int { thetaBranch + latentBranch }

    /// Creates a set of widths.
    public init(thetaBranch: Int, latentBranch: Int, intermediateLayers: Int, headHidden: Int, headOutput: Int) {
        self.thetaBranch = thetaBranch
        self.latentBranch = latentBranch
        self.intermediateLayers = intermediateLayers
        self.headHidden = headHidden
        self.headOutput = headOutput
    }
}

extension NetworkConfig {
    /// Figure-3 widths for observable `index` (0-based) of a model with `parameterCount` (N_θ) parameters.
    public func layerWidths(observableIndex index: Int, parameterCount: Int) -> LayerWidths {
        LayerWidths(
            thetaBranch: a1 + a2 * parameterCount,
            latentBranch: index == 0 ? 0 : b1 + b2 * index,
            intermediateLayers: c,
            headHidden: d * nGaussians,
            headOutput: nGaussians)
    }
}
