// Weighted sum of a strided batch into one element, by one work group of GMM_REDUCE_SIZE
// items (each strides through the rows, then a tree in local memory).
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Update.swift (sum).

#define GMM_REDUCE_SIZE 256

__kernel __attribute__((reqd_work_group_size(GMM_REDUCE_SIZE, 1, 1)))
void weighted_sum(__global const float *x, int x_off, int x_ld, int x_bs,
                  __global const float *w, int w_off, int w_ld, int w_bs, int weighted,
                  __global float *out, int index, int accumulate,
                  int rows, int cols, int total) {
    __local float partial[GMM_REDUCE_SIZE];
    int lid = get_local_id(0);
    float s = 0.0f;
    for (int e = lid; e < total; e += GMM_REDUCE_SIZE) {
        int c = e % cols, flat = e / cols, b = flat / rows, r = flat - b * rows;
        float v = x[x_off + b * x_bs + r * x_ld + c];
        if (weighted) v *= w[w_off + b * w_bs + r * w_ld + c];
        s += v;
    }
    partial[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = GMM_REDUCE_SIZE / 2; span > 0; span >>= 1) {
        if (lid < span) partial[lid] += partial[lid + span];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) out[index] = (accumulate ? out[index] : 0.0f) + partial[0];
}
