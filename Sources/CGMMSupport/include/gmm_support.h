/// C support for gmm-gpu: run-time loading (dlopen) of OpenBLAS, OpenCL, CLBlast, zlib and HDF5, so the
/// binary starts and runs its CPU path on machines where some of them are missing, and CPU
/// feature detection for choosing OpenBLAS kernels before the library is loaded, and the CPU
/// device's fused dense-layer kernel (AVX2 + FMA).
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

// ---- Fused dense layer (dense_avx2.c) -----------------------------------------------------
/// 1 if ``gmm_dense_rows`` runs here (an x86-64 CPU with AVX2 and FMA).
int gmm_dense_available(void);
/// Floats of the packed form of a [k, n] matrix: ceil(n / 16) panels of [k, 16].
size_t gmm_dense_packed_count(int k, int n);
/// Packs the row-major [k, n] matrix `b` (leading dimension `ldb`) into panels of 16 columns,
/// zero-padded: the weights operand of ``gmm_dense_rows``.
void gmm_dense_pack(int k, int n, const float *b, long ldb, float *packed);
/// c[r, 0..<n] = act(a[r, 0..<k] · B + bias[0..<n]) for rows r < m, where B is `packed` (from
/// ``gmm_dense_pack``) and act(v) = max(v, slope v): LeakyReLU for a slope in [0, 1], the
/// identity for slope 1. Row-major a and c with leading dimensions lda and ldc; other columns of
/// c are not touched. Single-threaded.
void gmm_dense_rows(int m, int n, int k, const float *a, long lda, const float *packed, const float *bias,
                    float slope, float *c, long ldc);

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

// ---- zlib ---------------------------------------------------------------------------------
/// Loads zlib (libz.so.1, then libz.so). Returns 0 on success, -1 with the reason in `error`.
int gmm_zlib_load(char *error, size_t error_length);
/// Decompresses `input` (window_bits 15: zlib stream, -15: raw deflate, 31: gzip) into a new
/// malloc'd buffer `*output` of `*output_length` bytes (free with free()); `*consumed` is the
/// number of input bytes the stream used. Output beyond `limit` bytes (SIZE_MAX: none) stops
/// the inflation with an error, so a stream that inflates far beyond what it declares cannot
/// exhaust memory. Returns 0, or -1 with zlib's reason in `error`.
long long gmm_zlib_inflate(const unsigned char *input, size_t input_length, int window_bits, size_t limit,
                           unsigned char **output, size_t *output_length, size_t *consumed,
                           char *error, size_t error_length);
/// The first `prefix` bytes (fewer if the stream ends first) of the inflated `input`, in a new
/// malloc'd buffer (free with free()): the stream is inflated no further than that, so a header
/// can be read from a member of any declared size. Returns 0, or -1 with zlib's reason in `error`.
long long gmm_zlib_inflate_prefix(const unsigned char *input, size_t input_length, int window_bits, size_t prefix,
                                  unsigned char **output, size_t *output_length, char *error, size_t error_length);
/// Compresses `input` at `level` (0-9) into a new malloc'd buffer (window_bits as above).
long long gmm_zlib_deflate(const unsigned char *input, size_t input_length, int window_bits, int level,
                           unsigned char **output, size_t *output_length, char *error, size_t error_length);
/// zlib's crc32 continued from `crc` (start with 0) over `length` bytes; zlib must be loaded.
unsigned int gmm_zlib_crc32(unsigned int crc, const unsigned char *data, size_t length);

// ---- Mixture likelihood, eight components at a time (mixture_vector.c) --------------------
// Compiled for AVX2 + FMA and for the baseline, chosen at run time. Pointers address one
// row's `count` (≥ 8, except for gmm_log_sum_exp) logits, means and widths.

/// log Σ_i e^(x_i) over `count` ≥ 1 values; −∞ when every value is −∞.
float gmm_log_sum_exp(int count, const float *x);
/// log Z_g = log(Φ(b_g) − Φ(a_g)), a_g = (lo − μ_g)/σ_g, b_g = (hi − μ_g)/σ_g, into `log_z`, for
/// components well inside [lo, hi] (a_g < 0 < b_g, tails below 1e-4). Returns how many
/// components it wrote into `careful` (room for count + 8) instead: those need the careful
/// scalar formula, and their `log_z` entries are to be overwritten.
int gmm_log_z(int count, float lo, float hi, const float *means, const float *widths, float *log_z, int32_t *careful);
/// Writes log f_g + log N(u; μ_g, σ_g) − log Z_g (no log Z_g when `log_z` is NULL) into `terms`,
/// the logits' log-normaliser into `lse`, and returns log p(u), their log-sum-exp.
float gmm_mixture_terms(int count, const float *logits, const float *means, const float *widths, float u,
                        const float *log_z, float *terms, float *lse);
/// Writes c · ∂ log p(u) / ∂(logit_g, μ_g, σ_g), truncation terms included when `log_z` is not
/// NULL, from the `terms`, log p and log-normaliser of ``gmm_mixture_terms``.
void gmm_mixture_gradient(int count, const float *logits, const float *means, const float *widths, float u, float lo,
                          float hi, const float *log_z, const float *terms, float log_p, float lse, float c,
                          float *d_logits, float *d_means, float *d_widths);
/// widths_g = epsilon + base · e^(scale · raw_g): the head's output transform of the widths.
void gmm_mixture_widths(int count, const float *raw, float scale, float base, float epsilon, float *widths);
/// For tests: `function` 0 = e^x, 1 = log x, 2 = erfc(z)/2 (z ≥ 0) of `n` values as the
/// functions above evaluate them; `baseline` 1 forces the baseline build.
void gmm_vector_elementwise(int function, int n, const float *x, float *out, int baseline);

// ---- HDF5 (1.10 or newer, resolved at run time) -------------------------------------------
/// hid_t of HDF5 1.10+ (64-bit identifiers).
typedef int64_t gmm_hid_t;
/// herr_t: negative on failure.
typedef int gmm_herr_t;
/// hsize_t.
typedef unsigned long long gmm_hsize_t;
/// htri_t: positive true, 0 false, negative failure.
typedef int gmm_htri_t;

/// The HDF5 entry points gmm-gpu uses, resolved with dlsym, and the predefined type ids.
typedef struct GMMHDF5 {
    gmm_hid_t (*Fopen)(const char *name, unsigned flags, gmm_hid_t fapl);
    gmm_hid_t (*Fcreate)(const char *name, unsigned flags, gmm_hid_t fcpl, gmm_hid_t fapl);
    gmm_herr_t (*Fclose)(gmm_hid_t file);
    gmm_hid_t (*Oopen)(gmm_hid_t location, const char *name, gmm_hid_t lapl);
    gmm_herr_t (*Oclose)(gmm_hid_t object);
    int (*Iget_type)(gmm_hid_t id);
    gmm_htri_t (*Lexists)(gmm_hid_t location, const char *name, gmm_hid_t lapl);
    long (*Lget_name_by_idx)(gmm_hid_t location, const char *group, int index_type, int order, gmm_hsize_t n,
                             char *name, size_t size, gmm_hid_t lapl);
    gmm_hid_t (*Gcreate2)(gmm_hid_t location, const char *name, gmm_hid_t lcpl, gmm_hid_t gcpl, gmm_hid_t gapl);
    gmm_herr_t (*Gclose)(gmm_hid_t group);
    gmm_hid_t (*Dopen2)(gmm_hid_t location, const char *name, gmm_hid_t dapl);
    gmm_hid_t (*Dcreate2)(gmm_hid_t location, const char *name, gmm_hid_t type, gmm_hid_t space,
                          gmm_hid_t lcpl, gmm_hid_t dcpl, gmm_hid_t dapl);
    gmm_hid_t (*Dget_space)(gmm_hid_t dataset);
    gmm_hid_t (*Dget_type)(gmm_hid_t dataset);
    gmm_herr_t (*Dread)(gmm_hid_t dataset, gmm_hid_t memory_type, gmm_hid_t memory_space, gmm_hid_t file_space,
                        gmm_hid_t xfer, void *buffer);
    gmm_herr_t (*Dwrite)(gmm_hid_t dataset, gmm_hid_t memory_type, gmm_hid_t memory_space, gmm_hid_t file_space,
                         gmm_hid_t xfer, const void *buffer);
    gmm_herr_t (*Dclose)(gmm_hid_t dataset);
    int (*Sget_simple_extent_ndims)(gmm_hid_t space);
    int (*Sget_simple_extent_dims)(gmm_hid_t space, gmm_hsize_t *dims, gmm_hsize_t *max_dims);
    gmm_hid_t (*Screate_simple)(int rank, const gmm_hsize_t *dims, const gmm_hsize_t *max_dims);
    gmm_herr_t (*Sclose)(gmm_hid_t space);
    int (*Tget_class)(gmm_hid_t type);
    int (*Tget_nmembers)(gmm_hid_t type);
    char *(*Tget_member_name)(gmm_hid_t type, unsigned index);
    int (*Tget_member_class)(gmm_hid_t type, unsigned index);
    gmm_hid_t (*Tcreate)(int type_class, size_t size);
    gmm_herr_t (*Tinsert)(gmm_hid_t type, const char *name, size_t offset, gmm_hid_t member);
    gmm_herr_t (*Tclose)(gmm_hid_t type);
    gmm_herr_t (*free_memory)(void *memory);
    gmm_hid_t (*Pcreate)(gmm_hid_t property_class);
    gmm_herr_t (*Pset_chunk)(gmm_hid_t dcpl, int rank, const gmm_hsize_t *chunk);
    gmm_herr_t (*Pset_deflate)(gmm_hid_t dcpl, unsigned level);
    gmm_herr_t (*Pset_shuffle)(gmm_hid_t dcpl);
    gmm_herr_t (*Pclose)(gmm_hid_t plist);
    gmm_hid_t (*Dget_create_plist)(gmm_hid_t dataset);
    int (*Pget_nfilters)(gmm_hid_t dcpl);
    /// H5Pget_filter2: the filter id (H5Z_filter_t), its flags, client data and name.
    int (*Pget_filter2)(gmm_hid_t dcpl, unsigned index, unsigned *flags, size_t *client_count, unsigned *client_values,
                        size_t name_length, char *name, unsigned *filter_config);
    gmm_htri_t (*Zfilter_avail)(int filter);
    /// H5Pset_file_locking (HDF5 1.10.7 and newer; NULL before).
    gmm_herr_t (*Pset_file_locking)(gmm_hid_t fapl, unsigned char use_file_locking, unsigned char ignore_when_disabled);
    /// H5P_DATASET_CREATE: the class of dataset-creation property lists.
    gmm_hid_t dataset_create_class;
    /// H5P_FILE_ACCESS: the class of file-access property lists.
    gmm_hid_t file_access_class;
    gmm_hid_t native_double;
    gmm_hid_t native_float;
    gmm_hid_t ieee_f64le;
    gmm_hid_t ieee_f32le;
    gmm_hid_t std_i64le;
} GMMHDF5;

/// Loads the HDF5 C library (Debian's libhdf5_serial.so.103, …, then libhdf5.so), checks it is
/// 1.10 or newer, calls H5open and turns off HDF5's own error printing (for the calling thread:
/// call it on every thread before using HDF5). Returns 0 on success,
/// otherwise -1 with the reason in `error`. Safe to call repeatedly.
int gmm_hdf5_load(char *error, size_t error_length);
/// The resolved entry points; NULL before a successful gmm_hdf5_load.
const GMMHDF5 *gmm_hdf5(void);
/// The process-wide lock around HDF5 calls: a serial HDF5 build (Debian's) must not be entered
/// by two threads at once. Not recursive. Unlocking first clears the calling thread's HDF5
/// error stack, so that failed calls leave nothing that keeps HDF5 from closing at exit.
void gmm_hdf5_lock(void);
void gmm_hdf5_unlock(void);
/// The number of records on the calling thread's HDF5 error stack (for tests), or -1 before
/// a successful gmm_hdf5_load.
long gmm_hdf5_error_count(void);
/// The number of open HDF5 files, datasets, groups, datatypes and attributes in the process
/// (for tests: 0 whenever the HDF5 lock is held), or -1 before a successful gmm_hdf5_load.
long gmm_hdf5_open_object_count(void);
/// The number of links in `group` (H5Gget_info), or -1 on failure.
long long gmm_hdf5_link_count(gmm_hid_t group);

#endif
