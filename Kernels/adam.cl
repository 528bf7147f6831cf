// One Adam step over whole buffers; c1 = 1/(1-beta1^t), c2 = 1/(1-beta2^t).
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Update.swift.

__kernel void adam_update(__global float *p, __global const float *g, __global float *m, __global float *v,
                          int n, float lr, float beta1, float beta2, float eps, float c1, float c2) {
    int i = get_global_id(0);
    if (i >= n) return;
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= lr * (mi * c1) / (sqrt(vi * c2) + eps);
}
