#include "gmm_support.h"
#include "dynamic_library.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t calls = PTHREAD_MUTEX_INITIALIZER;

static GMMHDF5 api;
static int loaded;
typedef gmm_herr_t (*eclear_fn)(gmm_hid_t);
typedef long (*eget_num_fn)(gmm_hid_t);
typedef long (*fget_obj_count_fn)(gmm_hid_t, unsigned);
static eclear_fn p_eclear;
static eget_num_fn p_eget_num;
static fget_obj_count_fn p_fget_obj_count;

void gmm_hdf5_lock(void) { pthread_mutex_lock(&calls); }
void gmm_hdf5_unlock(void) {
    /* A failed call leaves its records on the calling thread's error stack (per thread in
       thread-safe builds), holding references that keep HDF5 from shutting down at exit
       ("HDF5: infinite loop closing library"): clear them before letting go. */
    if (loaded) p_eclear(0 /* H5E_DEFAULT */);
    pthread_mutex_unlock(&calls);
}

typedef gmm_herr_t (*open_fn)(void);
typedef gmm_herr_t (*libversion_fn)(unsigned *, unsigned *, unsigned *);
typedef gmm_herr_t (*eset_auto_fn)(gmm_hid_t, void *, void *);
typedef gmm_herr_t (*gget_info_fn)(gmm_hid_t, void *);

static open_fn p_open;
static eset_auto_fn p_eset;
static gget_info_fn p_gget_info;

static int global_id(void *lib, const char *name, gmm_hid_t *out, char *error, size_t error_length) {
    gmm_hid_t *p = (gmm_hid_t *)gmm_symbol(lib, name, error, error_length);
    if (!p) return -1;
    *out = *p;
    return 0;
}

int gmm_hdf5_load(char *error, size_t error_length) {
    pthread_mutex_lock(&lock);
    if (loaded) {
        pthread_mutex_unlock(&lock);
        p_eset(0 /* H5E_DEFAULT */, NULL, NULL); /* per thread in thread-safe builds */
        return 0;
    }
    /* Debian names the serial build libhdf5_serial.so.<soname>; upstream builds use libhdf5.so.<soname>. */
    static const char *const names[] = {
        "libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so.200", "libhdf5.so.200",
        "libhdf5_serial.so.310", "libhdf5.so.310", "libhdf5_serial.so", "libhdf5.so", NULL};
    void *lib = gmm_open_first(names, error, error_length);
    int result = -1;
    if (!lib) goto done;
    libversion_fn version = (libversion_fn)gmm_symbol(lib, "H5get_libversion", error, error_length);
    if (!version) goto done;
    unsigned major = 0, minor = 0, release = 0;
    version(&major, &minor, &release);
    if (major < 1 || (major == 1 && minor < 10)) {
        snprintf(error, error_length, "HDF5 %u.%u.%u is too old (1.10 or newer needed: 64-bit identifiers)", major, minor, release);
        goto done;
    }
    p_open = (open_fn)gmm_symbol(lib, "H5open", error, error_length);
    if (!p_open || p_open() < 0) goto done;
    p_eset = (eset_auto_fn)gmm_symbol(lib, "H5Eset_auto2", error, error_length);
    if (!p_eset) goto done;
    p_eset(0 /* H5E_DEFAULT */, NULL, NULL); /* errors are reported by the caller, not printed by HDF5 */
    p_gget_info = (gget_info_fn)gmm_symbol(lib, "H5Gget_info", error, error_length);
    if (!p_gget_info) goto done;
    p_eclear = (eclear_fn)gmm_symbol(lib, "H5Eclear2", error, error_length);
    p_eget_num = (eget_num_fn)gmm_symbol(lib, "H5Eget_num", error, error_length);
    p_fget_obj_count = (fget_obj_count_fn)gmm_symbol(lib, "H5Fget_obj_count", error, error_length);
    if (!p_eclear || !p_eget_num || !p_fget_obj_count) goto done;
#define RESOLVE(field, name) api.field = (__typeof__(api.field))gmm_symbol(lib, name, error, error_length); if (!api.field) goto done;
    RESOLVE(Fopen, "H5Fopen") RESOLVE(Fcreate, "H5Fcreate") RESOLVE(Fclose, "H5Fclose")
    RESOLVE(Oopen, "H5Oopen") RESOLVE(Oclose, "H5Oclose") RESOLVE(Iget_type, "H5Iget_type")
    RESOLVE(Lexists, "H5Lexists") RESOLVE(Lget_name_by_idx, "H5Lget_name_by_idx")
    RESOLVE(Gcreate2, "H5Gcreate2") RESOLVE(Gclose, "H5Gclose")
    RESOLVE(Dopen2, "H5Dopen2") RESOLVE(Dcreate2, "H5Dcreate2") RESOLVE(Dget_space, "H5Dget_space")
    RESOLVE(Dget_type, "H5Dget_type") RESOLVE(Dread, "H5Dread") RESOLVE(Dwrite, "H5Dwrite") RESOLVE(Dclose, "H5Dclose")
    RESOLVE(Sget_simple_extent_ndims, "H5Sget_simple_extent_ndims") RESOLVE(Sget_simple_extent_dims, "H5Sget_simple_extent_dims")
    RESOLVE(Screate_simple, "H5Screate_simple") RESOLVE(Sclose, "H5Sclose")
    RESOLVE(Tget_class, "H5Tget_class") RESOLVE(Tget_nmembers, "H5Tget_nmembers")
    RESOLVE(Tget_member_name, "H5Tget_member_name") RESOLVE(Tget_member_class, "H5Tget_member_class")
    RESOLVE(Tcreate, "H5Tcreate") RESOLVE(Tinsert, "H5Tinsert") RESOLVE(Tclose, "H5Tclose")
    RESOLVE(free_memory, "H5free_memory")
    RESOLVE(Pcreate, "H5Pcreate") RESOLVE(Pset_chunk, "H5Pset_chunk") RESOLVE(Pset_deflate, "H5Pset_deflate")
    RESOLVE(Pset_shuffle, "H5Pset_shuffle") RESOLVE(Pclose, "H5Pclose") RESOLVE(Dget_create_plist, "H5Dget_create_plist")
    RESOLVE(Pget_nfilters, "H5Pget_nfilters") RESOLVE(Pget_filter2, "H5Pget_filter2") RESOLVE(Zfilter_avail, "H5Zfilter_avail")
#undef RESOLVE
    if (global_id(lib, "H5P_CLS_DATASET_CREATE_ID_g", &api.dataset_create_class, error, error_length)) goto done;
    if (global_id(lib, "H5P_CLS_FILE_ACCESS_ID_g", &api.file_access_class, error, error_length)) goto done;
    api.Pset_file_locking = (__typeof__(api.Pset_file_locking))dlsym(lib, "H5Pset_file_locking");  /* optional */
    if (global_id(lib, "H5T_NATIVE_DOUBLE_g", &api.native_double, error, error_length)) goto done;
    if (global_id(lib, "H5T_NATIVE_FLOAT_g", &api.native_float, error, error_length)) goto done;
    if (global_id(lib, "H5T_IEEE_F64LE_g", &api.ieee_f64le, error, error_length)) goto done;
    if (global_id(lib, "H5T_IEEE_F32LE_g", &api.ieee_f32le, error, error_length)) goto done;
    if (global_id(lib, "H5T_STD_I64LE_g", &api.std_i64le, error, error_length)) goto done;
    loaded = 1;
    result = 0;
done:
    pthread_mutex_unlock(&lock);
    return result;
}

const GMMHDF5 *gmm_hdf5(void) { return loaded ? &api : NULL; }

/* H5G_info_t of HDF5 1.10-1.14: storage type, number of links, max creation order, mounted flag. */
typedef struct {
    int storage_type;
    gmm_hsize_t nlinks;
    int64_t max_corder;
    _Bool mounted;
} gmm_group_info;

long long gmm_hdf5_link_count(gmm_hid_t group) {
    if (!loaded) return -1;
    gmm_group_info info;
    memset(&info, 0, sizeof info);
    if (p_gget_info(group, &info) < 0) return -1;
    return (long long)info.nlinks;
}

long gmm_hdf5_error_count(void) { return loaded ? p_eget_num(0 /* H5E_DEFAULT */) : -1; }
long gmm_hdf5_open_object_count(void) {
    return loaded ? p_fget_obj_count(0x1f /* H5F_OBJ_ALL as the file: every open file */, 0x1f /* H5F_OBJ_ALL */) : -1;
}
