#include "gmm_support.h"
#include "dynamic_library.h"
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GMMOpenCL api;
static int loaded;

#define RESOLVE(name) \
    if (ok && !(api.name = (__typeof__(api.name))gmm_symbol(lib, "cl" #name, error, error_length))) ok = 0;

int gmm_opencl_load(char *error, size_t error_length) {
    pthread_mutex_lock(&lock);
    if (loaded) { pthread_mutex_unlock(&lock); return 0; }
    static const char *const names[] = {"libOpenCL.so.1", "libOpenCL.so", NULL};
    void *lib = gmm_open_first(names, error, error_length);
    int ok = lib != NULL;
    RESOLVE(GetPlatformIDs) RESOLVE(GetPlatformInfo) RESOLVE(GetDeviceIDs) RESOLVE(GetDeviceInfo)
    RESOLVE(CreateContext) RESOLVE(ReleaseContext) RESOLVE(CreateCommandQueue) RESOLVE(ReleaseCommandQueue)
    RESOLVE(CreateBuffer) RESOLVE(ReleaseMemObject) RESOLVE(CreateProgramWithSource) RESOLVE(BuildProgram)
    RESOLVE(GetProgramBuildInfo) RESOLVE(ReleaseProgram) RESOLVE(CreateKernel) RESOLVE(ReleaseKernel)
    RESOLVE(SetKernelArg) RESOLVE(GetKernelWorkGroupInfo) RESOLVE(EnqueueNDRangeKernel)
    RESOLVE(EnqueueReadBuffer) RESOLVE(EnqueueWriteBuffer) RESOLVE(EnqueueCopyBuffer) RESOLVE(EnqueueFillBuffer)
    RESOLVE(Finish) RESOLVE(Flush)
    loaded = ok;
    pthread_mutex_unlock(&lock);
    return ok ? 0 : -1;
}

const GMMOpenCL *gmm_opencl(void) { return &api; }
