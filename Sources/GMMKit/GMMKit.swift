/// GMMKit: conditional density models p(x|θ) after Menary & Price (2022) — latent projection,
/// autoregressive Gaussian-mixture networks on a compute ``Device``, training, sampling,
/// model files, the Appendix-A toy — re-exporting the compute layer (`GMMCompute`).
@_exported import GMMCompute
