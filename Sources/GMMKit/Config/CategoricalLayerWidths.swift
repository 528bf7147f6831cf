/// Layer widths of the categorical network for one integer observable (Section 4).
///
/// Observable i (0-based) with N_θ parameters: θ branch N1 = A1 + A2·N_θ, u branch
/// N2 = B1 + B2·i (0 for i = 0), hidden layers `categorical_hidden` (default [300, 200]),
/// and a softmax output over N_p = 1 + u_max − u_min categories.
public struct CategoricalLayerWidths: Sendable, Equatable {
    /// N1, the θ-branch width.
    public var thetaBranch: Int
    /// N2, the u_<i-branch width (0 for the first observable).
    public var latentBranch: Int
    /// Widths of the fully connected hidden layers, shape `[L]`.
    public var hidden: [Int]
    /// N_p, the number of categories (output width).
    public var categories: Int

    /// Creates a set of widths.
    public init(thetaBranch: Int, latentBranch: Int, hidden: [Int], categories: Int) {
        self.thetaBranch = thetaBranch
        self.latentBranch = latentBranch
        self.hidden = hidden
        self.categories = categories
    }
}
