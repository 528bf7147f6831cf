// Sampling: a component from the amplitudes, then the (truncated) Gaussian by inverse CDF;
// and a category from softmax(logits). Uniforms are supplied. Needs normal.cl, mixture.cl.
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Sampling.swift.

inline int gmm_pick_component(__global const float *l, int count, float u) {
    float lse = gmm_log_normalizer(l, count);
    float cumulative = 0.0f;
    int last = 0;
    for (int g = 0; g < count; ++g) {
        float amplitude = exp(l[g] - lse);
        cumulative += amplitude;
        if (amplitude > 0.0f) last = g;
        if (u < cumulative && amplitude > 0.0f) return g;
    }
    return last;
}

__kernel void sample_mixture(
    __global const float *L, int l_off, int l_ld, int l_bs,
    __global const float *M, int m_off, int m_ld, int m_bs,
    __global const float *S, int s_off, int s_ld, int s_bs,
    __global const float *B, int b_off, int b_bs, int truncated,
    __global const float *R, int r_off, int r_ld, int r_bs,
    __global float *X, int x_off, int x_ld, int x_bs,
    int rows, int count, int total) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *l = L + l_off + b * l_bs + r * l_ld;
    __global const float *uniforms = R + r_off + b * r_bs + r * r_ld;
    int g = gmm_pick_component(l, count, uniforms[0]);
    float mu = M[m_off + b * m_bs + r * m_ld + g];
    float sigma = S[s_off + b * s_bs + r * s_ld + g];
    float lo = -INFINITY, hi = INFINITY;
    if (truncated) { lo = B[b_off + b * b_bs]; hi = B[b_off + b * b_bs + 1]; }
    float z = gmm_truncated_inverse((lo - mu) / sigma, (hi - mu) / sigma, uniforms[1]);
    X[x_off + b * x_bs + r * x_ld] = fmin(fmax(mu + sigma * z, lo), hi);
}

__kernel void sample_categorical(
    __global const float *L, int l_off, int l_ld, int l_bs,
    __global const float *R, int r_off, int r_ld, int r_bs,
    __global float *X, int x_off, int x_ld, int x_bs,
    int rows, int count, int total) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *l = L + l_off + b * l_bs + r * l_ld;
    X[x_off + b * x_bs + r * x_ld] = (float)gmm_pick_component(l, count, R[r_off + b * r_bs + r * r_ld]);
}
