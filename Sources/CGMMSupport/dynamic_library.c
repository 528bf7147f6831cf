#include "dynamic_library.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *gmm_open_first(const char *const *names, char *error, size_t error_length) {
    size_t used = 0;
    if (error && error_length) error[0] = 0;
    for (const char *const *name = names; *name; ++name) {
        void *handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (handle) return handle;
        if (error && used < error_length) {
            const char *why = dlerror();
            int n = snprintf(error + used, error_length - used, "%s%s", used ? "; " : "", why ? why : *name);
            if (n > 0) used += (size_t)n;
        }
    }
    return NULL;
}

void *gmm_symbol(void *library, const char *symbol, char *error, size_t error_length) {
    void *p = dlsym(library, symbol);
    if (!p && error && error_length) snprintf(error, error_length, "symbol %s not found", symbol);
    return p;
}
