// Elementwise operations on strided batches; one work item per element.
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Update.swift.

#define GMM_ELEMENT(off, ld, bs) ((off) + b * (bs) + r * (ld) + c)
#define GMM_ELEMENT_INDEX \
    int gid = get_global_id(0); \
    if (gid >= total) return; \
    int c = gid % cols, flat = gid / cols, b = flat / rows, r = flat - b * rows;

__kernel void fill_values(__global float *x, int x_off, int x_ld, int x_bs, float value, int rows, int cols, int total) {
    GMM_ELEMENT_INDEX
    x[GMM_ELEMENT(x_off, x_ld, x_bs)] = value;
}

__kernel void axpby(__global const float *x, int x_off, int x_ld, int x_bs,
                    __global float *y, int y_off, int y_ld, int y_bs,
                    float alpha, float beta, int rows, int cols, int total) {
    GMM_ELEMENT_INDEX
    int i = GMM_ELEMENT(y_off, y_ld, y_bs);
    y[i] = alpha * x[GMM_ELEMENT(x_off, x_ld, x_bs)] + (beta == 0.0f ? 0.0f : beta * y[i]);
}

__kernel void multiply_mask(__global float *y, int y_off, int y_ld, int y_bs,
                            __global const float *m, int m_off, int m_ld, int m_bs,
                            int rows, int cols, int total) {
    GMM_ELEMENT_INDEX
    y[GMM_ELEMENT(y_off, y_ld, y_bs)] *= m[GMM_ELEMENT(m_off, m_ld, m_bs)];
}

__kernel void affine_columns(__global const float *x, int x_off, int x_ld, int x_bs,
                             __global float *y, int y_off, int y_ld, int y_bs,
                             __global const float *scale, int s_off, __global const float *shift, int t_off,
                             int rows, int cols, int total) {
    GMM_ELEMENT_INDEX
    y[GMM_ELEMENT(y_off, y_ld, y_bs)] = x[GMM_ELEMENT(x_off, x_ld, x_bs)] * scale[s_off + c] + shift[t_off + c];
}
