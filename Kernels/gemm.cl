// A portable tiled, strided-batched matrix product C = alpha op(A) op(B) + beta C (row-major),
// used on OpenCL devices when CLBlast is not installed. CPU twin: OpenBLAS.portableSgemm.

#define GMM_TILE 16

__kernel __attribute__((reqd_work_group_size(GMM_TILE, GMM_TILE, 1)))
void gemm_tiled(int ta, int tb, int m, int n, int k, float alpha,
                __global const float *A, int a_off, int lda, int a_bs,
                __global const float *B, int b_off, int ldb, int b_bs, float beta,
                __global float *C, int c_off, int ldc, int c_bs) {
    int col = get_global_id(0), row = get_global_id(1), batch = get_global_id(2);
    int lc = get_local_id(0), lr = get_local_id(1);
    __local float As[GMM_TILE][GMM_TILE];
    __local float Bs[GMM_TILE][GMM_TILE + 1];
    A += a_off + batch * a_bs;
    B += b_off + batch * b_bs;
    C += c_off + batch * c_bs;
    float acc = 0.0f;
    for (int t = 0; t < k; t += GMM_TILE) {
        int ak = t + lc, bk = t + lr;
        As[lr][lc] = (row < m && ak < k) ? (ta ? A[ak * lda + row] : A[row * lda + ak]) : 0.0f;
        Bs[lr][lc] = (bk < k && col < n) ? (tb ? B[col * ldb + bk] : B[bk * ldb + col]) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < GMM_TILE; ++p) acc += As[lr][p] * Bs[p][lc];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < m && col < n) {
        int i = row * ldc + col;
        C[i] = alpha * acc + (beta == 0.0f ? 0.0f : beta * C[i]);
    }
}
