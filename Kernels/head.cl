// The mixture output transform of Figure 3 and its backward pass; one work item per
// (row, component). raw = [a_f | a_mu | a_sigma], [batch, N, 3G].
// CPU twin: Sources/GMMCompute/CPU/CPUDevice+Head.swift.

__kernel void mixture_head(__global const float *A, int a_off, int a_ld, int a_bs,
                           __global float *L, int l_off, int l_ld, int l_bs,
                           __global float *M, int m_off, int m_ld, int m_bs,
                           __global float *S, int s_off, int s_ld, int s_bs,
                           __global const float *MO, int mo_off, int mo_bs,
                           __global const float *BW, int bw_off, int bw_bs,
                           float s_f, float s_mu, float s_sigma, float eps,
                           int rows, int count, int total) {
    int gid = get_global_id(0);
    if (gid >= total) return;
    int g = gid % count, flat = gid / count, b = flat / rows, r = flat - b * rows;
    __global const float *a = A + a_off + b * a_bs + r * a_ld;
    L[l_off + b * l_bs + r * l_ld + g] = s_f * a[g];
    M[m_off + b * m_bs + r * m_ld + g] = MO[mo_off + b * mo_bs + g] + s_mu * a[count + g];
    S[s_off + b * s_bs + r * s_ld + g] = eps + BW[bw_off + b * bw_bs] * exp(s_sigma * a[2 * count + g]);
}

__kernel void mixture_head_backward(__global const float *DL, int dl_off, int dl_ld, int dl_bs,
                                    __global const float *DM, int dm_off, int dm_ld, int dm_bs,
                                    __global const float *DS, int ds_off, int ds_ld, int ds_bs,
                                    __global const float *S, int s_off, int s_ld, int s_bs,
                                    __global float *DA, int da_off, int da_ld, int da_bs,
                                    float s_f, float s_mu, float s_sigma, float eps,
                                    int rows, int count, int total) {
    int gid = get_global_id(0);
    if (gid >= total) return;
    int g = gid % count, flat = gid / count, b = flat / rows, r = flat - b * rows;
    __global float *da = DA + da_off + b * da_bs + r * da_ld;
    da[g] = s_f * DL[dl_off + b * dl_bs + r * dl_ld + g];
    da[count + g] = s_mu * DM[dm_off + b * dm_bs + r * dm_ld + g];
    float sigma = S[s_off + b * s_bs + r * s_ld + g];
    da[2 * count + g] = DS[ds_off + b * ds_bs + r * ds_ld + g] * s_sigma * (sigma - eps);
}
