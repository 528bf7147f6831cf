// Row-wise softmax / log-softmax and their backward passes, one work item per row.
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Softmax.swift.

__kernel void softmax_rows(__global const float *x, int x_off, int x_ld, int x_bs,
                           __global float *y, int y_off, int y_ld, int y_bs,
                           int rows, int cols, int total, int take_log) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *xi = x + x_off + b * x_bs + r * x_ld;
    __global float *yi = y + y_off + b * y_bs + r * y_ld;
    float peak = -INFINITY;
    for (int j = 0; j < cols; ++j) peak = fmax(peak, xi[j]);
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) sum += exp(xi[j] - peak);
    if (take_log) {
        float lse = peak + log(sum);
        for (int j = 0; j < cols; ++j) yi[j] = xi[j] - lse;
    } else {
        float inv = 1.0f / sum;
        for (int j = 0; j < cols; ++j) yi[j] = exp(xi[j] - peak) * inv;
    }
}

__kernel void softmax_backward(__global const float *y, int y_off, int y_ld, int y_bs,
                               __global const float *dy, int dy_off, int dy_ld, int dy_bs,
                               __global float *dx, int dx_off, int dx_ld, int dx_bs,
                               int rows, int cols, int total, int take_log) {
    int flat = get_global_id(0);
    if (flat >= total) return;
    int b = flat / rows, r = flat - b * rows;
    __global const float *yi = y + y_off + b * y_bs + r * y_ld;
    __global const float *dyi = dy + dy_off + b * dy_bs + r * dy_ld;
    __global float *dxi = dx + dx_off + b * dx_bs + r * dx_ld;
    if (take_log) {
        float s = 0.0f;
        for (int j = 0; j < cols; ++j) s += dyi[j];
        for (int j = 0; j < cols; ++j) dxi[j] = dyi[j] - exp(yi[j]) * s;
    } else {
        float dot = 0.0f;
        for (int j = 0; j < cols; ++j) dot += dyi[j] * yi[j];
        for (int j = 0; j < cols; ++j) dxi[j] = yi[j] * (dyi[j] - dot);
    }
}
