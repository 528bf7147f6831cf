// Categorical log-likelihood log softmax(logits)[class] and its gradient; one work item per
// row. Needs mixture.cl (gmm_log_normalizer). CPU twin: CPU/CPUDevice+Likelihood.swift.

__kernel void categorical_log_likelihood(
    __global const float *L, int l_off, int l_ld, int l_bs,
    __global const float *C, int c_off, int c_ld, int c_bs,
    __global float *P, int p_off, int p_ld, int p_bs,
    int with_gradient,
    __global float *DL, int dl_off, int dl_ld, int dl_bs,
    __global const float *W, int w_off, int w_ld, int w_bs, int weighted, float scale,
    int rows, int count, int total) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *l = L + l_off + b * l_bs + r * l_ld;
    float lse = gmm_log_normalizer(l, count);
    int label = (int)C[c_off + b * c_bs + r * c_ld];
    int valid = label >= 0 && label < count;
    P[p_off + b * p_bs + r * p_ld] = valid ? l[label] - lse : -INFINITY;
    if (!with_gradient) return;
    float c = scale * (weighted ? W[w_off + b * w_bs + r * w_ld] : 1.0f);
    __global float *dl = DL + dl_off + b * dl_bs + r * dl_ld;
    for (int j = 0; j < count; ++j) dl[j] = c * ((j == label ? 1.0f : 0.0f) - exp(l[j] - lse));
}
