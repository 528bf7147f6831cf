// Dense-layer helpers: bias + activation, activation backward, bias gradients.
// A matrix operand is (pointer, offset, row stride, batch stride); work items run over
// batch * rows * cols elements. CPU twin: Sources/GMMCompute/CPU/CPUDevice+Dense.swift.

__kernel void add_bias(__global float *y, int y_off, int y_ld, int y_bs,
                       __global const float *bias, int b_off, int b_bs,
                       int rows, int cols, int total, float slope) {
    int gid = get_global_id(0);
    if (gid >= total) return;
    int c = gid % cols, flat = gid / cols, b = flat / rows, r = flat - b * rows;
    int i = y_off + b * y_bs + r * y_ld + c;
    float v = y[i] + bias[b_off + b * b_bs + c];
    y[i] = v < 0.0f ? v * slope : v;
}

__kernel void activation_backward(__global float *g, int g_off, int g_ld, int g_bs,
                                  __global const float *o, int o_off, int o_ld, int o_bs,
                                  int rows, int cols, int total, float slope) {
    int gid = get_global_id(0);
    if (gid >= total) return;
    int c = gid % cols, flat = gid / cols, b = flat / rows, r = flat - b * rows;
    if (o[o_off + b * o_bs + r * o_ld + c] < 0.0f) g[g_off + b * g_bs + r * g_ld + c] *= slope;
}

// One work item per (batch, column), summing down the rows.
__kernel void column_sums(__global const float *x, int x_off, int x_ld, int x_bs,
                          __global float *out, int o_off, int o_bs,
                          int rows, int cols, int total, float beta) {
    int gid = get_global_id(0);
    if (gid >= total) return;
    int c = gid % cols, b = gid / cols;
    __global const float *p = x + x_off + b * x_bs + c;
    float s = 0.0f;
    for (int r = 0; r < rows; ++r) s += p[r * x_ld];
    int i = o_off + b * o_bs + c;
    out[i] = (beta == 0.0f ? 0.0f : beta * out[i]) + s;
}
