// A dense layer's forward pass in one sweep, for the CPU device: C = act(A · B + bias), with
// the bias and the LeakyReLU applied while each output tile is still in registers. OpenBLAS
// would zero C, pack A, multiply, and leave the bias and activation to another pass over C.
//
// Compiled for AVX2 + FMA through function attributes; callers check
// gmm_dense_available() first. On other architectures the entry points do nothing and
// gmm_dense_available() returns 0.
#include "gmm_support.h"

#define PANEL 16 // columns of B per packed panel (two 8-float vectors)
#define ROWS 6   // rows of A per register tile: 12 accumulators
#define TILE 96  // rows of A per pass over the panels (about 70 KB at K = 180: in L2)

int gmm_dense_available(void) { return gmm_cpu_has_avx2_fma(); }

size_t gmm_dense_packed_count(int k, int n) { return (size_t)((n + PANEL - 1) / PANEL) * (size_t)k * PANEL; }

void gmm_dense_pack(int k, int n, const float *b, long ldb, float *packed) {
    int panels = (n + PANEL - 1) / PANEL;
    for (int p = 0; p < panels; p++) {
        int cols = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
        float *dst = packed + (long)p * k * PANEL;
        for (int kk = 0; kk < k; kk++) {
            const float *src = b + (long)kk * ldb + p * PANEL;
            int j = 0;
            for (; j < cols; j++) dst[kk * PANEL + j] = src[j];
            for (; j < PANEL; j++) dst[kk * PANEL + j] = 0;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// The store mask of the first `cols` (0...8) lanes of a vector: the 8 entries from masks_from + 8 - cols.
static const int32_t masks_from[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

#define AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline

// One register tile of R rows: 16 columns (two vectors, `tile16_R`) or up to 8 (`tile8_R`),
// then the bias, the activation and the store of the first `cols` columns.
#define TILE_KERNEL(R)                                                                                          \
    AVX2 void tile16_##R(int k, const float *a, long lda, const float *bp, __m256 bias0, __m256 bias1,         \
                         __m256 slope, float *c, long ldc, int cols) {                                         \
        __m256 acc0[R], acc1[R];                                                                                \
        for (int r = 0; r < R; r++) { acc0[r] = _mm256_setzero_ps(); acc1[r] = _mm256_setzero_ps(); }           \
        for (int kk = 0; kk < k; kk++) {                                                                        \
            __m256 b0 = _mm256_loadu_ps(bp + kk * PANEL), b1 = _mm256_loadu_ps(bp + kk * PANEL + 8);            \
            for (int r = 0; r < R; r++) {                                                                       \
                __m256 av = _mm256_broadcast_ss(a + r * lda + kk);                                              \
                acc0[r] = _mm256_fmadd_ps(av, b0, acc0[r]);                                                     \
                acc1[r] = _mm256_fmadd_ps(av, b1, acc1[r]);                                                     \
            }                                                                                                   \
        }                                                                                                       \
        for (int r = 0; r < R; r++) {                                                                           \
            acc0[r] = _mm256_add_ps(acc0[r], bias0);                                                            \
            acc1[r] = _mm256_add_ps(acc1[r], bias1);                                                            \
            /* LeakyReLU with a slope in [0, 1] (identity: 1) is max(slope v, v) */                             \
            acc0[r] = _mm256_max_ps(_mm256_mul_ps(acc0[r], slope), acc0[r]);                                    \
            acc1[r] = _mm256_max_ps(_mm256_mul_ps(acc1[r], slope), acc1[r]);                                    \
        }                                                                                                       \
        if (cols == PANEL) {                                                                                    \
            for (int r = 0; r < R; r++) {                                                                       \
                _mm256_storeu_ps(c + r * ldc, acc0[r]);                                                         \
                _mm256_storeu_ps(c + r * ldc + 8, acc1[r]);                                                     \
            }                                                                                                   \
        } else {                                                                                                \
            __m256i m1 = _mm256_loadu_si256((const __m256i *)(masks_from + 16 - cols));                          \
            for (int r = 0; r < R; r++) {                                                                       \
                _mm256_storeu_ps(c + r * ldc, acc0[r]);                                                         \
                _mm256_maskstore_ps(c + r * ldc + 8, m1, acc1[r]);                                              \
            }                                                                                                   \
        }                                                                                                       \
    }                                                                                                           \
    AVX2 void tile8_##R(int k, const float *a, long lda, const float *bp, __m256 bias0, __m256 slope, float *c, \
                        long ldc, int cols) {                                                                   \
        __m256 acc[R];                                                                                          \
        for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();                                               \
        for (int kk = 0; kk < k; kk++) {                                                                        \
            __m256 b0 = _mm256_loadu_ps(bp + kk * PANEL);                                                       \
            for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(a + r * lda + kk), b0, acc[r]); \
        }                                                                                                       \
        __m256i m0 = _mm256_loadu_si256((const __m256i *)(masks_from + 8 - cols));                               \
        for (int r = 0; r < R; r++) {                                                                           \
            __m256 v = _mm256_add_ps(acc[r], bias0);                                                            \
            _mm256_maskstore_ps(c + r * ldc, m0, _mm256_max_ps(_mm256_mul_ps(v, slope), v));                    \
        }                                                                                                       \
    }
TILE_KERNEL(6)
TILE_KERNEL(5)
TILE_KERNEL(4)
TILE_KERNEL(3)
TILE_KERNEL(2)
TILE_KERNEL(1)

__attribute__((target("avx2,fma")))
void gmm_dense_rows(int m, int n, int k, const float *a, long lda, const float *packed, const float *bias,
                    float slope, float *c, long ldc) {
    int panels = (n + PANEL - 1) / PANEL;
    __m256 vslope = _mm256_set1_ps(slope);
    for (int i0 = 0; i0 < m; i0 += TILE) {
        int i1 = i0 + TILE < m ? i0 + TILE : m;
        for (int p = 0; p < panels; p++) {
            int cols = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
            float lanes[PANEL];
            for (int j = 0; j < PANEL; j++) lanes[j] = j < cols ? bias[p * PANEL + j] : 0;
            __m256 bias0 = _mm256_loadu_ps(lanes), bias1 = _mm256_loadu_ps(lanes + 8);
            const float *bp = packed + (long)p * k * PANEL;
            float *cp = c + p * PANEL;
            int i = i0;
            if (cols > 8) {
                for (; i + ROWS <= i1; i += ROWS) tile16_6(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols);
                switch (i1 - i) {
                case 5: tile16_5(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols); break;
                case 4: tile16_4(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols); break;
                case 3: tile16_3(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols); break;
                case 2: tile16_2(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols); break;
                case 1: tile16_1(k, a + i * lda, lda, bp, bias0, bias1, vslope, cp + i * ldc, ldc, cols); break;
                default: break;
                }
            } else {
                for (; i + ROWS <= i1; i += ROWS) tile8_6(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols);
                switch (i1 - i) {
                case 5: tile8_5(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols); break;
                case 4: tile8_4(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols); break;
                case 3: tile8_3(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols); break;
                case 2: tile8_2(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols); break;
                case 1: tile8_1(k, a + i * lda, lda, bp, bias0, vslope, cp + i * ldc, ldc, cols); break;
                default: break;
                }
            }
        }
    }
}
#else
void gmm_dense_rows(int m, int n, int k, const float *a, long lda, const float *packed, const float *bias,
                    float slope, float *c, long ldc) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)bias; (void)slope; (void)c; (void)ldc;
}
#endif
