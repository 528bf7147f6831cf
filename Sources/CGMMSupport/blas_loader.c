#include "gmm_support.h"
#include "dynamic_library.h"
#include <pthread.h>
#include <string.h>
#include <dlfcn.h>

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef char *(*corename_fn)(void);
typedef int (*get_threads_fn)(void);
typedef void (*set_threads_fn)(int);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sgemm_fn p_sgemm;
static corename_fn p_corename;
static get_threads_fn p_get_threads;
static set_threads_fn p_set_threads;

int gmm_blas_load(char *error, size_t error_length) {
    pthread_mutex_lock(&lock);
    if (p_sgemm) { pthread_mutex_unlock(&lock); return 0; }
    static const char *const names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
    void *lib = gmm_open_first(names, error, error_length);
    int result = -1;
    if (lib) {
        sgemm_fn sgemm = (sgemm_fn)gmm_symbol(lib, "cblas_sgemm", error, error_length);
        p_corename = (corename_fn)dlsym(lib, "openblas_get_corename");
        p_get_threads = (get_threads_fn)dlsym(lib, "openblas_get_num_threads");
        p_set_threads = (set_threads_fn)dlsym(lib, "openblas_set_num_threads");
        if (sgemm) { p_sgemm = sgemm; result = 0; }
    }
    pthread_mutex_unlock(&lock);
    return result;
}

void gmm_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                    const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc) {
    /* CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112 */
    p_sgemm(101, trans_a ? 112 : 111, trans_b ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *gmm_blas_corename(void) { return p_corename ? p_corename() : NULL; }
int gmm_blas_num_threads(void) { return p_get_threads ? p_get_threads() : 0; }
void gmm_blas_set_num_threads(int n) { if (p_set_threads) p_set_threads(n); }
