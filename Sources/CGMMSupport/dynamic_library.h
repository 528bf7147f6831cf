#ifndef GMM_DYNAMIC_LIBRARY_H
#define GMM_DYNAMIC_LIBRARY_H
#include <stddef.h>
/// Opens the first of `names` (NULL-terminated) that dlopen finds; on failure writes every
/// name tried and dlerror's message into `error` and returns NULL.
void *gmm_open_first(const char *const *names, char *error, size_t error_length);
/// dlsym, writing a message naming `symbol` into `error` when it is missing.
void *gmm_symbol(void *library, const char *symbol, char *error, size_t error_length);
#endif
