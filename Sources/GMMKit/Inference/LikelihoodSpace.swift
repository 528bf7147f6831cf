/// Where a ``ModelLikelihood`` evaluates the density: the data space, p(x|θ), or the latent
/// space, p(u|θ). They differ by −Σ w log|du/dx|, which does not depend on θ (Eq. 7), so fits,
/// errors, scans and intervals agree; only the NLL's offset differs.
public enum LikelihoodSpace: String, Codable, Sendable, CaseIterable {
    /// The data-space density p(x|θ) = p(u|θ) |du/dx|.
    case data
    /// The latent density p(u|θ) (the paper's choice for inference).
    case latent
}
