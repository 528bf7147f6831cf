#include "gmm_support.h"
#include "dynamic_library.h"
#include <pthread.h>

/* CLBlast 1.5 C API: CLBlastSgemmStridedBatched (layout 101 = row-major; 111/112 = no/yes transpose). */
typedef int (*strided_batched_fn)(int layout, int ta, int tb, size_t m, size_t n, size_t k, float alpha,
                                  cl_mem a, size_t a_off, size_t lda, size_t a_stride,
                                  cl_mem b, size_t b_off, size_t ldb, size_t b_stride, float beta,
                                  cl_mem c, size_t c_off, size_t ldc, size_t c_stride, size_t batch,
                                  cl_command_queue *queue, cl_event *event);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static strided_batched_fn p_strided;

int gmm_clblast_load(char *error, size_t error_length) {
    pthread_mutex_lock(&lock);
    if (p_strided) { pthread_mutex_unlock(&lock); return 0; }
    static const char *const names[] = {"libclblast.so.1", "libclblast.so", NULL};
    void *lib = gmm_open_first(names, error, error_length);
    if (lib) p_strided = (strided_batched_fn)gmm_symbol(lib, "CLBlastSgemmStridedBatched", error, error_length);
    int result = p_strided ? 0 : -1;
    pthread_mutex_unlock(&lock);
    return result;
}

int gmm_clblast_sgemm_strided_batched(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                      float alpha, cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                      cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                      float beta, cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                      size_t batch, cl_command_queue queue) {
    if (!p_strided) return -9999;
    return p_strided(101, trans_a ? 112 : 111, trans_b ? 112 : 111, m, n, k, alpha, a, a_offset, lda, a_stride,
                     b, b_offset, ldb, b_stride, beta, c, c_offset, ldc, c_stride, batch, &queue, NULL);
}
