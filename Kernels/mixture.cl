// Gaussian-mixture log-likelihood of a batch, optionally truncated to [lo, hi] per batch
// entry, with its gradients; one work item per row. Needs normal.cl.
// CPU twin: Sources/GMMCompute/Math/MixtureMath.swift and CPU/CPUDevice+Likelihood.swift.

inline float gmm_log_normalizer(__global const float *l, int count) {
    float peak = -INFINITY;
    for (int g = 0; g < count; ++g) peak = fmax(peak, l[g]);
    float total = 0.0f;
    for (int g = 0; g < count; ++g) total += exp(l[g] - peak);
    return peak + log(total);
}

inline float gmm_component_term(__global const float *l, __global const float *m, __global const float *s,
                                int g, float u, float lse, float lo, float hi, int truncated) {
    float sigma = s[g];
    float z = (u - m[g]) / sigma;
    float term = l[g] - lse - 0.5f * z * z - log(sigma) - GMM_LOG_SQRT_2PI;
    if (truncated) term -= gmm_log_interval_probability((lo - m[g]) / sigma, (hi - m[g]) / sigma);
    return term;
}

inline float gmm_mixture_log_likelihood(__global const float *l, __global const float *m, __global const float *s,
                                        int count, float u, float lo, float hi, int truncated) {
    float lse = gmm_log_normalizer(l, count);
    float peak = -INFINITY;
    for (int g = 0; g < count; ++g) peak = fmax(peak, gmm_component_term(l, m, s, g, u, lse, lo, hi, truncated));
    if (peak == -INFINITY) return peak;
    float total = 0.0f;
    for (int g = 0; g < count; ++g) total += exp(gmm_component_term(l, m, s, g, u, lse, lo, hi, truncated) - peak);
    return peak + log(total);
}

__kernel void mixture_log_likelihood(
    __global const float *L, int l_off, int l_ld, int l_bs,
    __global const float *M, int m_off, int m_ld, int m_bs,
    __global const float *S, int s_off, int s_ld, int s_bs,
    __global const float *U, int u_off, int u_ld, int u_bs,
    __global const float *B, int b_off, int b_bs, int truncated,
    __global float *P, int p_off, int p_ld, int p_bs,
    int with_gradient,
    __global float *DL, int dl_off, int dl_ld, int dl_bs,
    __global float *DM, int dm_off, int dm_ld, int dm_bs,
    __global float *DS, int ds_off, int ds_ld, int ds_bs,
    __global const float *W, int w_off, int w_ld, int w_bs, int weighted, float scale,
    int rows, int count, int total) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *l = L + l_off + b * l_bs + r * l_ld;
    __global const float *m = M + m_off + b * m_bs + r * m_ld;
    __global const float *s = S + s_off + b * s_bs + r * s_ld;
    float u = U[u_off + b * u_bs + r * u_ld];
    float lo = -INFINITY, hi = INFINITY;
    if (truncated) { lo = B[b_off + b * b_bs]; hi = B[b_off + b * b_bs + 1]; }
    float log_p = gmm_mixture_log_likelihood(l, m, s, count, u, lo, hi, truncated);
    P[p_off + b * p_bs + r * p_ld] = log_p;
    if (!with_gradient) return;
    float c = scale * (weighted ? W[w_off + b * w_bs + r * w_ld] : 1.0f);
    float lse = gmm_log_normalizer(l, count);
    __global float *dl = DL + dl_off + b * dl_bs + r * dl_ld;
    __global float *dm = DM + dm_off + b * dm_bs + r * dm_ld;
    __global float *ds = DS + ds_off + b * ds_bs + r * ds_ld;
    for (int g = 0; g < count; ++g) {
        float sigma = s[g];
        float z = (u - m[g]) / sigma;
        float term = gmm_component_term(l, m, s, g, u, lse, lo, hi, truncated);
        float responsibility = log_p == -INFINITY ? 0.0f : exp(term - log_p);
        float d_mu = z / sigma;
        float d_sigma = (z * z - 1.0f) / sigma;
        if (truncated) {
            float a = (lo - m[g]) / sigma, bb = (hi - m[g]) / sigma;
            if (a >= -GMM_NEGLIGIBLE_TAIL || bb <= GMM_NEGLIGIBLE_TAIL) {
                float log_z = gmm_log_interval_probability(a, bb);
                float phi_a = gmm_density_ratio(a, log_z);
                float phi_b = gmm_density_ratio(bb, log_z);
                d_mu -= (phi_a - phi_b) / sigma;
                d_sigma -= ((phi_a == 0.0f ? 0.0f : a * phi_a) - (phi_b == 0.0f ? 0.0f : bb * phi_b)) / sigma;
            }
        }
        dl[g] = c * (responsibility - exp(l[g] - lse));
        dm[g] = c * responsibility * d_mu;
        ds[g] = c * responsibility * d_sigma;
    }
}
