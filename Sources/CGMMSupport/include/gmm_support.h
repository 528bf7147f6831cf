/// C support for gmm-gpu: run-time loading (dlopen) of OpenBLAS, OpenCL and CLBlast, so the
/// binary starts and runs its CPU path on machines where some of them are missing, and CPU
/// feature detection for choosing OpenBLAS kernels before the library is loaded.
#ifndef GMM_SUPPORT_H
#define GMM_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

// ---- CPU features -------------------------------------------------------------------------
/// 1 if the CPU supports the AVX-512 subsets OpenBLAS's SkylakeX kernels use (F, BW, VL, DQ, CD).
int gmm_cpu_has_avx512_skylakex(void);
/// 1 if the CPU supports AVX2 and FMA (OpenBLAS's Haswell kernels).
int gmm_cpu_has_avx2_fma(void);

// ---- OpenBLAS -----------------------------------------------------------------------------
/// Loads OpenBLAS (libopenblas.so.0, then libopenblas.so). Returns 0 on success; otherwise
/// writes the reason into `error` and returns -1. Safe to call repeatedly.
int gmm_blas_load(char *error, size_t error_length);
/// Row-major single-precision GEMM through the loaded OpenBLAS: C = alpha op(A) op(B) + beta C.
void gmm_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                    const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc);
/// The OpenBLAS core name in use (e.g. "Haswell", "SkylakeX"), or NULL if not loaded.
const char *gmm_blas_corename(void);
/// OpenBLAS's thread count, or 0 if not loaded.
int gmm_blas_num_threads(void);
/// Sets OpenBLAS's thread count (no effect if not loaded).
void gmm_blas_set_num_threads(int n);

// ---- OpenCL (1.2 API, resolved at run time) -----------------------------------------------
#define GMM_CL_FN(name) __typeof__(&cl##name) name
/// The OpenCL entry points gmm-gpu uses, resolved with dlsym.
typedef struct GMMOpenCL {
    GMM_CL_FN(GetPlatformIDs);
    GMM_CL_FN(GetPlatformInfo);
    GMM_CL_FN(GetDeviceIDs);
    GMM_CL_FN(GetDeviceInfo);
    GMM_CL_FN(CreateContext);
    GMM_CL_FN(ReleaseContext);
    GMM_CL_FN(CreateCommandQueue);
    GMM_CL_FN(ReleaseCommandQueue);
    GMM_CL_FN(CreateBuffer);
    GMM_CL_FN(ReleaseMemObject);
    GMM_CL_FN(CreateProgramWithSource);
    GMM_CL_FN(BuildProgram);
    GMM_CL_FN(GetProgramBuildInfo);
    GMM_CL_FN(ReleaseProgram);
    GMM_CL_FN(CreateKernel);
    GMM_CL_FN(ReleaseKernel);
    GMM_CL_FN(SetKernelArg);
    GMM_CL_FN(GetKernelWorkGroupInfo);
    GMM_CL_FN(EnqueueNDRangeKernel);
    GMM_CL_FN(EnqueueReadBuffer);
    GMM_CL_FN(EnqueueWriteBuffer);
    GMM_CL_FN(EnqueueCopyBuffer);
    GMM_CL_FN(EnqueueFillBuffer);
    GMM_CL_FN(Finish);
    GMM_CL_FN(Flush);
} GMMOpenCL;

/// Loads the OpenCL ICD loader (libOpenCL.so.1, then libOpenCL.so). Returns 0 on success,
/// otherwise -1 with the reason in `error`.
int gmm_opencl_load(char *error, size_t error_length);
/// The resolved entry points; valid after a successful gmm_opencl_load.
const GMMOpenCL *gmm_opencl(void);

// ---- CLBlast ------------------------------------------------------------------------------
/// Loads CLBlast (libclblast.so.1, then libclblast.so). Returns 0 on success, -1 otherwise.
int gmm_clblast_load(char *error, size_t error_length);
/// CLBlastSgemmStridedBatched, row-major; transposes are 0/1. Returns CLBlast's status code
/// (0 on success), or -9999 if CLBlast is not loaded.
int gmm_clblast_sgemm_strided_batched(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                      float alpha, cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                      cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                      float beta, cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                      size_t batch, cl_command_queue queue);

#endif
